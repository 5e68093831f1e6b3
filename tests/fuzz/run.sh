#!/bin/sh
# Runs every fuzzer found in build/fuzz/ for SECONDS each (default 20), with a
# corpus seeded from tests/data (captured /proc trees and OOM logs), and keeps
# the grown corpus in build/fuzz/corpus/NAME. Builds nothing (`make fuzz`
# does). Exit 1 when a fuzzer finds a crash (its artifact path is printed).
# FG_FUZZ_JOBS fuzzers run at a time (default 1; fuzz.t uses one per core).
# Usage: sh tests/fuzz/run.sh [SECONDS] [NAME-PATTERN]
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
secs=${1:-20}
pat=${2:-}
B=${B:-build}
# UBSan reports are findings too: stop on the first one.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
jobs=${FG_FUZZ_JOBS:-1}
found=0; failed=""; names=""; running=0
for bin in "$B"/fuzz/fuzz_*; do
  [ -x "$bin" ] && [ -f "$bin" ] || continue
  name=${bin##*/}
  case "$name" in *"$pat"*) ;; *) continue ;; esac
  found=$((found+1))
  corpus="$B/fuzz/corpus/$name"; seeds="$B/fuzz/seeds/$name"
  mkdir -p "$corpus" "$seeds" "$B/fuzz/artifacts"
  # Seeds: every file of the matching kind in the captured trees, plus logs.
  kind=${name#fuzz_}
  for f in tests/data/proc/*/"$kind"; do
    [ -f "$f" ] && cp "$f" "$seeds/$(echo "$f" | tr '/' '_')"
  done
  if [ "$kind" = kmemtree ]; then
    for d in tests/data/proc/*/; do
      t="$seeds/$(basename "$d")"
      { cat "$d/zoneinfo"; printf '\0'; cat "$d/buddyinfo"; printf '\0'
        [ -f "$d/pagetypeinfo" ] && cat "$d/pagetypeinfo"; } > "$t" 2>/dev/null
    done
  fi
  if [ "$kind" = conf ]; then
    for f in config/*.conf; do cp "$f" "$seeds/$(basename "$f")"; done
    printf 'CHUNK=4M\nREPORT_SIGNAL=SIGUSR2\nRETAIN=18446744073709551615\nERA=pre-4.4\n' > "$seeds/edge"
  fi
  if [ "$kind" = report ]; then
    for f in tests/data/reports/*/*.json; do
      cp "$f" "$seeds/$(echo "$f" | tr '/' '_')"
    done
    # Two reports of one program in one input: the aggregation.
    { cat tests/data/reports/basic/python3.4242.json; printf '\0'
      cat tests/data/reports/basic/python3.4250.json; } > "$seeds/two_python3"
  fi
  for f in tests/data/oom/*.log tests/data/oom/*.txt tests/data/oom/bad/*.log tests/data/oom/formats/*.log; do
    [ -f "$f" ] && head -c 4096 "$f" > "$seeds/oom_$(basename "$f")"
  done
  log="$B/fuzz/$name.log"
  rm -f "$B/fuzz/$name.rc"; echo "fuzz: $name for ${secs}s"
  { "$bin" -max_total_time="$secs" -max_len=16384 -close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$B/fuzz/artifacts/$name-" -print_final_stats=1 \
      "$corpus" "$seeds" >"$log" 2>&1
    echo $? > "$B/fuzz/$name.rc"; } &
  names="$names $name"; running=$((running+1))
  if [ $running -ge "$jobs" ]; then wait; running=0; fi
done
wait
for name in $names; do
  log="$B/fuzz/$name.log"; rc=$(cat "$B/fuzz/$name.rc" 2>/dev/null || echo 2)
  grep -aE '^stat::number_of_executed_units|^stat::new_units_added' "$log" | \
    sed "s/^/  $name /"
  if [ "$rc" -ne 0 ]; then
    failed="$failed $name"
    echo "fuzz: $name FAILED (exit $rc); see $log"
    grep -aE 'ERROR|SUMMARY|artifact' "$log" | head -5
  fi
done
[ $found -gt 0 ] || { echo "fuzz: no fuzzers in $B/fuzz (run make fuzz)"; exit 2; }
[ -z "$failed" ] || { echo "fuzz: failures:$failed"; exit 1; }
echo "fuzz: $found fuzzers clean"
