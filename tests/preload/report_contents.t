#!/bin/sh
# report_contents.t: the report's numbers agree with what the same process
# sees itself (getrusage, /proc/self/status, smaps_rollup) right after
# writing it; every documented section is present; the call sites name the
# allocating function of a program built with -g (grow_heap_here).
. "$(dirname "$0")/reportee.sh"

FRAGGUARD_REPORT="$tmp/r.json" REPORTEE_KEEP="$tmp/req.json" FRAGGUARD_SAMPLE_BYTES=64K \
  LD_PRELOAD="$so" "$prog" grow 24 >"$tmp/own" || { echo "FAIL: reportee exited $?"; exit 1; }
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
own = json.loads(open(tmp + "/own").read())
assert own["write"] == 0, "fg_report_write returned %d" % own["write"]
rep = json.load(open(tmp + "/req.json"))
fail = []
def check(cond, msg):
    if not cond: fail.append(msg)
for k in ("schema", "reason", "seq", "process", "config", "shim", "cost", "alloc",
          "actions", "risk_events", "callsites"):
    check(k in rep, "missing key " + k)
check(rep["schema"] == 1, "schema")
check(rep["reason"] == "request", "reason " + rep["reason"])
p = rep["process"]
check(p["pid"] == own["pid"], "pid")
check(p["ppid"] == os.getppid() or p["ppid"] > 0, "ppid")
check(p["program"] == "reportee", "program " + p["program"])
check(p["cmdline"][1:] == ["grow", "24"], "cmdline %r" % p["cmdline"])
check(p["exe"].endswith("/reportee"), "exe")
check(os.uname().release == p["kernel"], "kernel")
for key in ("THP", "RETAIN", "SAMPLE_BYTES", "REPORT", "REPORT_INTERVAL", "REPORT_SIGNAL"):
    check(key in rep["config"], "config lacks " + key)
check(rep["config"]["SAMPLE_BYTES"] == 65536, "SAMPLE_BYTES")
c = rep["cost"]
def near(name, tol_abs, tol_rel):
    a, b = c[name], own[name]
    if a is None or b < 0:
        return
    ok = abs(a - b) <= tol_abs + tol_rel * max(a, b)
    check(ok, "%s: report %d, process %d" % (name, a, b))
    print("%-18s report %12d  process %12d" % (name, a, b))
# The process's own reading comes after the write: faults only grow
# (reading /proc and printing take a few), RSS moves by a few pages.
check(c["minor_faults"] <= own["minor_faults"], "minor faults went down")
near("minor_faults", 200, 0.05)
near("major_faults", 5, 0)
near("page_table_bytes", 64 << 10, 0.1)
near("peak_rss_bytes", 1 << 20, 0.05)
near("rss_bytes", 1 << 20, 0.05)
near("anon_bytes", 1 << 20, 0.05)
near("anon_huge_bytes", 2 << 20, 0.05)
check(c["prefaulted_bytes"] >= 24 << 20, "prefaulted %d" % c["prefaulted_bytes"])
check(c["chunks_mapped"] >= 5, "chunks_mapped")
check(c["in_use_bytes"] >= 20 << 20, "in_use %d" % c["in_use_bytes"])
check(0 < c["shim_faults_est"] <= c["minor_faults"], "shim_faults_est %d" % c["shim_faults_est"])
a = rep["alloc"]
check(a["large_allocs"] >= 6, "large_allocs %d" % a["large_allocs"])
sizes = {k["size_bytes"]: k for k in a["classes"]}
check(400 in sizes and sizes[400]["allocs"] > 1000, "class 400 B")
cs = rep["callsites"]
check(cs["enabled"] and cs["samples"] > 50, "samples %r" % cs.get("samples"))
names = [f["symbol"] for s in cs["by_bytes"][:3] for f in s["frames"][:4]]
check("grow_heap_here" in names, "grow_heap_here not among the top sites: %r" % names)
top = cs["by_bytes"][0]
check(top["est_bytes"] >= 8 << 20, "top site est_bytes %d" % top["est_bytes"])
f0 = [f for f in top["frames"] if f["symbol"] == "grow_heap_here"]
if f0:
    check(f0[0]["module"].endswith("/reportee") and f0[0]["offset"].startswith("0x"), "module/offset")
check(any(s["chunks"] for s in cs["by_chunks"]), "no site caused a chunk")
if fail:
    print("FAIL: " + "; ".join(fail)); sys.exit(1)
print("report contents: ok")
PY
