#!/bin/sh
# demo.sh (make demo): a real program, python3 building a few million objects
# through malloc, run without and with the shim; prints what each run cost the
# machine: time, page faults, huge-page coverage, page tables, peak RSS.
top=$(cd "$(dirname "$0")/.." && pwd)
so=$top/build/libfragguard.so
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
[ -n "$py" ] || { echo "demo: python3 is needed (apt-get install python3)" >&2; exit 1; }
cli=$top/build/fragguard
[ -f "$so" ] && [ -x "$cli" ] || { echo "demo: build first: make" >&2; exit 1; }
rep=$(mktemp -d "${TMPDIR:-/tmp}/fragguard-demo.XXXXXX") || exit 1
n=${DEMO_N:-1000000}

work='
import json, resource, sys, time
n = int(sys.argv[1])
t0 = time.monotonic()
d = {}
for i in range(n):
    d[i] = ["%08d" % i, i * 2.5, (i, -i)]
rows = sorted(d.items(), key=lambda kv: -kv[0])[: n // 2]
t1 = time.monotonic()
ru = resource.getrusage(resource.RUSAGE_SELF)
kv = {}
for f in ("/proc/self/smaps_rollup", "/proc/self/status"):
    for line in open(f):
        p = line.split()
        if len(p) >= 2 and p[1].isdigit():
            kv[p[0].rstrip(":")] = int(p[1])
print(json.dumps({"secs": t1 - t0, "minflt": ru.ru_minflt, "majflt": ru.ru_majflt,
                  "anon_kb": kv.get("Anonymous", 0), "thp_kb": kv.get("AnonHugePages", 0),
                  "pte_kb": kv.get("VmPTE", 0), "hwm_kb": kv.get("VmHWM", 0), "rows": len(rows)}))
'
echo "fragguard demo: python3 builds a dict of $n entries (3 objects each) and sorts it,"
echo "with PYTHONMALLOC=malloc so every object comes from malloc; once on glibc,"
echo "once under the shim: fragguard run --report $rep -- python3 ..."
echo
# Touch and release some memory first: on virtual machines memory left idle
# for a while is slow to touch again, which would favour the second run.
"$py" -c 'b = bytearray(512 << 20); del b'
a=$(PYTHONMALLOC=malloc "$py" -c "$work" "$n") || exit 1
"$py" -c 'b = bytearray(512 << 20); del b'
b=$(PYTHONMALLOC=malloc "$cli" run -q --report "$rep" -- "$py" -c "$work" "$n") || exit 1
"$py" - "$a" "$b" <<'PYEOF'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def pct(r): return "%d %%" % round(100.0 * r["thp_kb"] / max(1, r["anon_kb"]))
rows = [
    ("work time", "%.2f s" % a["secs"], "%.2f s" % b["secs"], "%.2fx" % (b["secs"] / a["secs"])),
    ("minor page faults", "{:,}".format(a["minflt"]), "{:,}".format(b["minflt"]),
     "%.0fx fewer" % (a["minflt"] / max(1, b["minflt"]))),
    ("huge-page coverage (anon)", pct(a), pct(b), ""),
    ("page tables (VmPTE)", "%d KiB" % a["pte_kb"], "%d KiB" % b["pte_kb"], ""),
    ("peak RSS (VmHWM)", "%.1f MiB" % (a["hwm_kb"] / 1024), "%.1f MiB" % (b["hwm_kb"] / 1024),
     "%.2fx" % (b["hwm_kb"] / a["hwm_kb"])),
]
print("%-27s %14s %14s   %s" % ("", "glibc", "fragguard", "ratio"))
for r in rows:
    print("%-27s %14s %14s   %s" % r)
print()
print("Every page fault is the kernel stopping the program to find a page; the shim")
print("takes memory in 2 MiB pre-faulted chunks instead, so the kernel is asked")
print("once per chunk, when failure is cheap and visible, not at every 4 KiB touch.")
PYEOF
echo
echo "The shim's own report of that run (fragguard report $rep):"
"$cli" report "$rep"
