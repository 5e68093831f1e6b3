# dicts.py: the python3 benchmark workload (run with PYTHONMALLOC=malloc, so
# every object goes through the allocator under test): builds a dict of N
# lists and a list of N small dicts, replaces a third of the entries three
# times, sorts, drops it all. Prints secs= (work time only) and the memory
# picture at the peak, as the C workloads do.
import sys, time


def kb(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
t0 = time.perf_counter()
d = {}
for i in range(n):
    d["key%d" % i] = [i, str(i), (i, i * 2)]
rows = [{"id": i, "name": "n%d" % (i % 977), "tags": [i % 7, i % 11]} for i in range(n)]
for r in range(3):
    for i in range(r, n, 3):
        del d["key%d" % i]
    for i in range(r, n, 3):
        d["key%d" % i] = {"v": i, "s": "x" * (i % 64)}
    rows = [dict(x, r=r) for x in rows[::2]] + rows[1::2]
srt = sorted(d.items(), key=lambda kv: (len(kv[0]), kv[0]))
total = sum(len(v) for _, v in srt)
pte = kb("/proc/self/status", "VmPTE:")
thp = kb("/proc/self/smaps_rollup", "AnonHugePages:")
rss = kb("/proc/self/status", "VmRSS:")
hwm = kb("/proc/self/status", "VmHWM:")
del srt, d, rows
secs = time.perf_counter() - t0
print("n=%d total=%d secs=%.3f pte_kb=%d thp_kb=%d rss_at_peak_kb=%d hwm_kb=%d"
      % (n, total, secs, pte, thp, rss, hwm))
