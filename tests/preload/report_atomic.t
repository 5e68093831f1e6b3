#!/bin/sh
# report_atomic.t: readers never see a partial report. The program rewrites
# its report every 10 ms (fg_report_write) and on SIGUSR2 (REPORT_SIGNAL)
# sent every 50 ms, while a reader parses the file in a loop.
. "$(dirname "$0")/reportee.sh"
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
FRAGGUARD_REPORT="$tmp/r.json" FRAGGUARD_REPORT_SIGNAL=USR2 FRAGGUARD_SAMPLE_BYTES=16K \
  LD_PRELOAD="$so" "$prog" loop 4 rewrite &
pid=$!
# USR2's default action kills: start once the shim's handler is in place
# (the program writes the report from main, after the shim's constructor
# installed it; at most 5 s).
( i=0; while [ ! -e "$tmp/r.json" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
  while kill -USR2 $pid 2>/dev/null; do sleep 0.05; done ) &
python3 - "$tmp/r.json" <<'PY'
import json, sys, time, os
path = sys.argv[1]
end = time.time() + 3.5
ok = bad = 0
seqs = set(); reasons = set()
while time.time() < end:
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        continue
    try:
        d = json.loads(text)
        ok += 1; seqs.add(d["seq"]); reasons.add(d["reason"])
    except ValueError as e:
        bad += 1
        print("partial or invalid read (%d bytes): %s" % (len(text), e))
print("reads %d, bad %d, distinct writes seen %d, reasons %s" % (ok, bad, len(seqs), sorted(reasons)))
if bad or ok < 50 or len(seqs) < 20 or "signal" not in reasons:
    print("FAIL"); sys.exit(1)
PY
rc=$?
wait $pid
ls -a "$tmp" | grep -q 'tmp[0-9]' && { echo "FAIL: temporary file left behind"; exit 1; }
[ $rc = 0 ] && echo "report atomic: ok"
exit $rc
