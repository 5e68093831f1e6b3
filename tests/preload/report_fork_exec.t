#!/bin/sh
# report_fork_exec.t: a forked child writes its own report under its own pid
# (counters from the fork); exec writes the report before the image goes,
# and the new image writes its own.
. "$(dirname "$0")/reportee.sh"
mkdir "$tmp/f" "$tmp/e"
FRAGGUARD_REPORT="$tmp/f" LD_PRELOAD="$so" "$prog" fork >"$tmp/fork.out" ||
  { echo "FAIL: fork mode exited $?"; exit 1; }
FRAGGUARD_REPORT="$tmp/e/" LD_PRELOAD="$so" "$prog" exec "$prog" grow 1 >"$tmp/exec.out" ||
  { echo "FAIL: exec mode exited $?"; exit 1; }
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
out = dict(l.split() for l in open(tmp + "/fork.out") if l.split()[0] in ("parent", "child"))
parent, child = int(out["parent"]), int(out["child"])
files = sorted(os.listdir(tmp + "/f"))
print("fork reports:", files)
assert files == sorted(["reportee.%d.json" % parent, "reportee.%d.json" % child]), files
p = json.load(open("%s/f/reportee.%d.json" % (tmp, parent)))
c = json.load(open("%s/f/reportee.%d.json" % (tmp, child)))
assert p["reason"] == "exit" and c["reason"] == "exit"
assert c["process"]["forked"] and not p["process"]["forked"]
assert c["process"]["ppid"] == parent
assert c["process"]["start_unix_ms"] >= p["process"]["start_unix_ms"]
# the child grew 6 MiB after the fork: its own counters show that, not the parent's
assert c["cost"]["prefaulted_bytes"] < p["cost"]["prefaulted_bytes"] + (8 << 20)
assert c["alloc"]["large_allocs"] >= 1
pid = int(open(tmp + "/exec.out").readline().split()[1])
files = sorted(os.listdir(tmp + "/e"))
print("exec reports:", files)
assert files == ["reportee.%d.json" % pid], files   # the new image has the same name
d = json.load(open("%s/e/reportee.%d.json" % (tmp, pid)))
# the last write wins: the new image (grow 1) wrote "request", then "exit"
assert d["reason"] == "exit" and d["process"]["cmdline"][1:] == ["grow", "1"], d["reason"]
PY
[ $? = 0 ] || { echo "FAIL"; exit 1; }
# The exec report itself: keep it by naming reports by program only.
rm -rf "$tmp/e"; mkdir "$tmp/e"
FRAGGUARD_REPORT="$tmp/e/%e.%p.%t.json" LD_PRELOAD="$so" "$prog" exec /bin/true >"$tmp/exec.out" ||
  { echo "FAIL: exec /bin/true exited $?"; exit 1; }
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
pid = int(open(tmp + "/exec.out").readline().split()[1])
files = sorted(os.listdir(tmp + "/e"))
print("exec reports:", files)
mine = [f for f in files if f.startswith("reportee.%d." % pid)]
theirs = [f for f in files if f.startswith("true.%d." % pid)]
assert len(mine) == 1 and len(theirs) == 1, files
d = json.load(open(tmp + "/e/" + mine[0]))
assert d["reason"] == "exec" and not d["final"], d["reason"]
assert d["cost"]["prefaulted_bytes"] >= 4 << 20
print("fork and exec: ok")
PY
