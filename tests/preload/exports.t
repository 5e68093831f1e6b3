#!/bin/sh
# exports.t: libfragguard.so exports exactly the symbols listed in
# shim/exports.map (the one place exports are listed), and that list holds only
# the malloc family, fg_* functions, dlopen and the interposed mmap/mmap64/munmap/
# mremap/fork/exec family/_exit: no unexpected export, none missing.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
map=$top/shim/exports.map
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
[ -f "$map" ] || { echo "FAIL: $map missing"; exit 1; }
command -v nm >/dev/null || { echo "nm not installed (binutils)"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Names between "global:" and "local:", comments removed; wildcards refused.
tr '\n' ' ' <"$map" | sed 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/::g' |
  sed -n 's/.*global:\(.*\)local:.*/\1/p' | tr ';' '\n' |
  sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' | sort -u >"$tmp/map"
[ -s "$tmp/map" ] || { echo "FAIL: no global symbols parsed from $map"; exit 1; }
if grep -q '[*?[]' "$tmp/map"; then
  echo "FAIL: wildcard in the global list of $map: list each export by name"; exit 1
fi

# Defined dynamic symbols, without version nodes (type A) and version suffixes.
nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
  sort -u >"$tmp/so"

rc=0
if ! cmp -s "$tmp/map" "$tmp/so"; then
  echo "FAIL: exported symbols differ from $map"
  comm -13 "$tmp/map" "$tmp/so" | sed 's/^/  exported but not listed: /'
  comm -23 "$tmp/map" "$tmp/so" | sed 's/^/  listed but not exported: /'
  rc=1
fi

family="malloc free calloc realloc reallocarray posix_memalign aligned_alloc
memalign valloc pvalloc malloc_usable_size cfree free_sized free_aligned_sized
malloc_trim mallinfo mallinfo2 malloc_stats mallopt malloc_info"
later="mmap mmap64 munmap mremap fork execve execv execvp execvpe execl execlp execle
fexecve execveat posix_spawn posix_spawnp system popen
setuid setgid seteuid setegid setreuid setregid setresuid setresgid setgroups initgroups unshare setns prctl syscall dlopen
_exit _Exit"
for s in $family; do
  grep -qx "$s" "$tmp/so" || { echo "FAIL: $s not exported"; rc=1; }
done
while read -r s; do
  case " $(echo $family $later) " in *" $s "*) continue ;; esac
  case "$s" in fg_?*) continue ;; esac
  echo "FAIL: unexpected export: $s (neither the malloc family, fg_*, nor an interposed call)"
  rc=1
done <"$tmp/so"
[ $rc = 0 ] && echo "exports: ok ($(wc -l <"$tmp/so") symbols)"
exit $rc
