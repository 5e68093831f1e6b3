#!/bin/sh
# report_kill.t: a process killed with SIGKILL leaves a valid report written
# by the interval thread about REPORT_INTERVAL (1 s) before it died: at most
# 2 s before the kill (one interval, plus the drift of a loaded machine; a
# report from start-up is 3.5 s old), and not after the process was gone.
. "$(dirname "$0")/reportee.sh"
FRAGGUARD_REPORT="$tmp" FRAGGUARD_REPORT_INTERVAL=1 LD_PRELOAD="$so" "$prog" loop 0 &
pid=$!
sleep 3.5
t0=$(date +%s%3N)
kill -KILL $pid
wait $pid 2>/dev/null
t1=$(date +%s%3N)
python3 - "$tmp" "$pid" "$t0" "$t1" <<'PY'
import json, sys
tmp, pid, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = json.load(open("%s/reportee.%d.json" % (tmp, pid)))
w = d["process"]["time_unix_ms"]
print("reason %s seq %d, written %d ms before the kill, %d ms before it was reaped"
      % (d["reason"], d["seq"], t0 - w, t1 - w))
if d["reason"] != "interval" or d["seq"] < 2 or t0 - w > 2000 or w > t1 or d["final"]:
    print("FAIL"); sys.exit(1)
PY
