#!/bin/sh
# seed.t: the seed report's program (tests/bench/seed.c: 268 rounds of
# 10000 x malloc(400) + memset, about 1 GiB, leaked) under the shim.
# Checks: no failed malloc; minor faults beyond those of an empty run under
# the shim (its start-up, and the faults of whatever exec'd it: getrusage
# counts the task's faults before the exec too, ~90 through env(1)) <= 2 x
# (bytes / 2 MiB); peak RSS
# (VmHWM) <= 1.05 x bytes + the peak RSS of an empty run under the shim.
# glibc's numbers from the same machine are printed for comparison.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
rounds=${SEED_ROUNDS:-268}

thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r $thp ] && grep -q '\[never\]' $thp; then
  echo "transparent huge pages are 'never' on this machine ($thp)"; exit 77
fi
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
seed=$B/bench/seed
if [ ! -x "$seed" ]; then
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  seed=$tmp/seed
  ${CC:-cc} -O2 -o "$seed" "$top/tests/bench/seed.c" || { echo "cannot build seed"; exit 77; }
fi

field() { # line, key
  echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Huge-page faults the kernel could not serve (fragmented or short memory),
# machine-wide: /proc/vmstat's thp_fault_fallback.
fallbacks() { awk '$1 == "thp_fault_fallback" { print $2 }' /proc/vmstat 2>/dev/null; }

base=$(env LD_PRELOAD="$so" "$seed" 0) || { echo "FAIL: empty seed run under the shim failed"; exit 1; }
glibc=$("$seed" "$rounds")
fb0=$(fallbacks)
out=$(env LD_PRELOAD="$so" "$seed" "$rounds") || { echo "FAIL: seed run under the shim exited $?"; exit 1; }
fb1=$(fallbacks)
echo "empty run (shim): $base"
echo "glibc:            $glibc"
echo "shim:             $out"

bytes=$(field "$out" bytes)
failed=$(field "$out" failed)
minflt=$(field "$out" minflt)
hwm=$(field "$out" hwm_kb)
base_hwm=$(field "$base" hwm_kb)
base_minflt=$(field "$base" minflt)
g_minflt=$(field "$glibc" minflt)
g_hwm=$(field "$glibc" hwm_kb)
[ -n "$bytes" ] && [ -n "$minflt" ] && [ -n "$hwm" ] && [ -n "$base_hwm" ] && [ -n "$base_minflt" ] ||
  { echo "FAIL: cannot parse the seed's output"; exit 1; }

# The fault bound needs huge pages: each huge-page fault the kernel could
# not serve (fragmented or short memory, machine-wide) becomes up to 512
# small-page faults; that is the machine's state, not the shim's doing (a
# shim that asked for no huge pages would make the kernel fall back not at
# all), so the bound allows 512 for each. Unreadable: none allowed.
fb=0
if [ -n "$fb0" ] && [ -n "$fb1" ]; then fb=$((fb1 - fb0)); fi
[ "$fb" -gt 0 ] && echo "the kernel fell back to small pages for $fb huge-page faults during the run (thp_fault_fallback): the fault bound allows 512 for each"

awk -v fb="$fb" -v bytes="$bytes" -v failed="$failed" -v minflt="$minflt" -v hwm="$hwm" \
    -v base="$base_hwm" -v bmin="$base_minflt" -v gmin="$g_minflt" -v ghwm="$g_hwm" 'BEGIN {
  limit = bytes / (2 * 1024 * 1024)
  maxflt = 2 * limit + 512 * fb
  maxhwm = 1.05 * bytes / 1024 + base
  printf "faults: shim %d - %d of an empty run = %d (limit %.0f = 2 x %.0f chunks + 512 x %d fallbacks), glibc %d (%.0f x the 2 MiB count)\n", minflt, bmin, minflt - bmin, maxflt, limit, fb, gmin, gmin / limit
  printf "peak RSS: shim %d KiB = %.3f x bytes (+ baseline %d KiB; limit %.0f KiB), glibc %d KiB = %.3f x bytes\n", hwm, hwm * 1024 / bytes, base, maxhwm, ghwm, ghwm * 1024 / bytes
  bad = 0
  if (failed != 0) { print "FAIL: " failed " mallocs failed under the shim"; bad = 1 }
  if (minflt - bmin > maxflt) { printf "FAIL: %d minor faults beyond an empty run > %.0f\n", minflt - bmin, maxflt; bad = 1 }
  if (hwm > maxhwm) { printf "FAIL: VmHWM %d KiB > %.0f KiB (1.05 x bytes + empty-run baseline)\n", hwm, maxhwm; bad = 1 }
  if (!bad) print "seed: ok"
  exit bad
}'
