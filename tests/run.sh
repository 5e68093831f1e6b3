#!/bin/sh
# Runs every test and prints one line each, then "N passed, N failed, N skipped".
# A test is an executable (unit or preload binary) or a shell script; exit 0 is
# a pass, 77 a skip (with its reason on the last line of output), anything else
# a failure. Preload binaries run with the shim in LD_PRELOAD.
# Usage: sh tests/run.sh [PATTERN]   (only tests whose name contains PATTERN)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
B=${B:-build}
export FG_TOP="$top" FG_BUILD="$top/$B" FG_SO="$top/$B/libfragguard.so" FG_CLI="$top/$B/fragguard"
pat=${1:-}
TMO=${FG_TEST_TIMEOUT:-600}
pass=0; fail=0; skip=0; failed=""
log=$B/test-logs; rm -rf "$log"; mkdir -p "$log"

run_one() { # name, command...
  name=$1; shift
  case "$name" in *"$pat"*) ;; *) return ;; esac
  out="$log/$(echo "$name" | tr '/' '_').log"
  t0=$(date +%s.%N)
  # A whole suite again (cross: under qemu-user; musl) or a machine booted
  # under TCG (vm): three times the limit, for a loaded machine.
  case "$name" in cross/*|vm/*) tmo=$((TMO * 3)) ;; *) tmo=$TMO ;; esac
  timeout -k 10 "$tmo" "$@" >"$out" 2>&1
  rc=$?
  dt=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2-$1}')
  if [ $rc -eq 0 ]; then
    pass=$((pass+1)); echo "PASS $name (${dt}s)"
  elif [ $rc -eq 77 ]; then
    skip=$((skip+1)); echo "SKIP $name: $(tail -n 1 "$out")"
  else
    fail=$((fail+1)); failed="$failed $name"
    echo "FAIL $name (exit $rc, ${dt}s): see $out"
    tail -n 15 "$out" | sed 's/^/    | /'
  fi
}

for t in $B/tests/unit/*; do [ -x "$t" ] && run_one "unit/${t##*/}" "$t"; done
for t in $B/tests/preload/*; do
  [ -x "$t" ] && run_one "preload/${t##*/}" env LD_PRELOAD="$FG_SO" "$t"
done
for dir in tests/preload tests/tools tests/cross tests/real tests/fuzz tests/bench tests/vm; do
  for t in $dir/*.t; do
    [ -f "$t" ] && run_one "${dir#tests/}/$(basename "$t" .t)" sh "$t"
  done
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped" | tee "$B/test-summary.txt"
[ $fail -eq 0 ]
