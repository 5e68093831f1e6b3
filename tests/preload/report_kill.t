#!/bin/sh
# report_kill.t: a process killed with SIGKILL leaves a valid report written
# by the interval thread no longer than REPORT_INTERVAL (1 s) before it died.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
prog=${FG_BUILD:-$top/build}/tests/helpers/reportee
[ -x "$prog" ] || { echo "reportee not built: $prog"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
FRAGGUARD_REPORT="$tmp" FRAGGUARD_REPORT_INTERVAL=1 LD_PRELOAD="$so" "$prog" loop 0 &
pid=$!
sleep 3.5
python3 -c 'import time; print(int(time.time()*1000))' >"$tmp/killed_at"
kill -KILL $pid
wait $pid 2>/dev/null
python3 - "$tmp" "$pid" <<'PY'
import json, sys
tmp, pid = sys.argv[1], int(sys.argv[2])
killed = int(open(tmp + "/killed_at").read())
d = json.load(open("%s/reportee.%d.json" % (tmp, pid)))
age = killed - d["process"]["time_unix_ms"]
print("reason %s seq %d, written %d ms before the kill" % (d["reason"], d["seq"], age))
if d["reason"] != "interval" or d["seq"] < 2 or not (0 <= age <= 1300) or d["final"]:
    print("FAIL"); sys.exit(1)
PY
