#!/bin/sh
# bench.t: the benchmark runner's smoke test (what `make bench-quick` runs):
# every workload once, small, under every allocator found on this machine.
# Checks that each available allocator produced a result for each workload
# (a failed or missing run fails the test) and that results.json and
# results.md were written. Asserts nothing about time: a benchmark, not a
# timed test.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
command -v python3 >/dev/null 2>&1 || { echo "python3 not installed"; exit 77; }
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
for w in seed churn threads large realloc hoard pretouch; do
  [ -x "$B/bench/$w" ] || { echo "bench workloads not built ($B/bench/$w): make build/bench/$w"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fg-bench-t.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

python3 "$top/tests/bench/bench.py" --quick --so "$so" --out "$tmp" || {
  echo "FAIL: bench.py --quick exited $?"; exit 1; }
[ -s "$tmp/results.md" ] || { echo "FAIL: no results.md"; exit 1; }
python3 - "$tmp/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
avail = [a["name"] for a in doc["allocators"] if a["available"]]
bad = 0
for a in doc["allocators"]:
    if not a["available"]:
        print("note: %s skipped: %s" % (a["name"], a["skip_reason"]))
if "glibc" not in avail or not any(n.startswith("fragguard") for n in avail):
    print("FAIL: glibc or fragguard missing from the allocators"); bad = 1
for w in doc["workloads"]:
    if w["skipped"]:
        print("note: workload %s skipped: %s" % (w["name"], w["skipped"]))
        continue
    for n in avail:
        if n not in w["runs"]:
            continue  # a workload for some allocators only (sawtooth-trim: glibc)
        s = w["summary"].get(n, {})
        if not s.get("ok"):
            print("FAIL: %s under %s: %s" % (w["name"], n, s.get("errors")))
            bad = 1
    if not any(n in w["runs"] for n in avail):
        print("FAIL: %s has no runs" % w["name"]); bad = 1
print("bench-quick: %d allocators x %d workloads, %d target rows" %
      (len(avail), len(doc["workloads"]), len(doc["targets"])))
sys.exit(bad)
PY
