# fuzz.t: builds every parser fuzzer (kmem, OOM log, config, report files) with clang (libFuzzer + ASan + UBSan)
# and fuzzes each for about 10 s. Skips (77) when clang or libFuzzer is missing.
cd "${FG_TOP:-$(dirname "$0")/../..}" || exit 2
command -v ${CLANG:-clang} >/dev/null 2>&1 || { echo "skip: clang not installed"; exit 77; }
probe=$(mktemp -d) || exit 2
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$probe/p.c"
${CLANG:-clang} -fsanitize=fuzzer -o "$probe/p" "$probe/p.c" >/dev/null 2>&1 || {
  rm -rf "$probe"; echo "skip: clang cannot link -fsanitize=fuzzer (libFuzzer missing)"; exit 77; }
rm -rf "$probe"
bins=""
for f in tests/fuzz/fuzz_*.c; do
  n=$(basename "$f" .c); bins="$bins build/fuzz/$n"
done
make -s -j"$(nproc 2>/dev/null || echo 2)" $bins || { echo "fuzzer build failed"; exit 1; }
FG_FUZZ_JOBS=${FG_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)} sh tests/fuzz/run.sh "${FG_FUZZ_SECONDS:-10}"
