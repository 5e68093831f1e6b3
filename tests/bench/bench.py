#!/usr/bin/env python3
"""bench.py: fragguard side by side with glibc and the peer allocators (issue 7).

Runs every workload under every available allocator in one run, interleaved
(repetition k of every allocator before repetition k+1 of any), pre-touching
the same amount of memory before every measured run. Writes results.json and
results.md into the output directory (build/bench by default), and callgrind
instruction counts for the single-thread micro workloads.

usage: bench.py [--quick] [--out DIR] [--only WL[,WL]] [--alloc A[,A]]
                [--reps N] [--no-callgrind] [--install-peers] [--so LIBFRAGGUARD]
                [--pretouch both|half|4k|thp]

--so (or FG_SO) measures another build of the shim, e.g. one built from a
clean checkout while the working tree is being changed.

A benchmark, not a test: nothing here asserts on time. A missing peer is
skipped with a note. --install-peers installs missing Debian peer packages
when run as root (apt-get), and is ignored otherwise.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MIB = 1 << 20
LIMIT_UNIT = 2 * MIB  # the "2 MiB limit": one fault per 2 MiB allocated

# name, preload (library file name or path; None: plain glibc), env, note
ALLOCATORS = [
    ("glibc", None, {}, "the system's malloc"),
    ("glibc-thp", None, {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"},
     "glibc.malloc.hugetlb=1: madvise(MADV_HUGEPAGE) on its heap"),
    ("jemalloc", "libjemalloc.so.2", {}, ""),
    ("jemalloc-thp", "libjemalloc.so.2",
     {"MALLOC_CONF": "thp:always,metadata_thp:always"}, "MALLOC_CONF=thp:always,metadata_thp:always"),
    ("mimalloc", "libmimalloc.so.2", {}, ""),
    ("mimalloc-thp", "libmimalloc.so.2",
     {"MIMALLOC_LARGE_OS_PAGES": "1", "MIMALLOC_ALLOW_LARGE_OS_PAGES": "1"},
     "MIMALLOC_LARGE_OS_PAGES=1 (no hugetlbfs pages reserved: it falls back to MADV_HUGEPAGE)"),
    ("tcmalloc", "libtcmalloc_minimal.so.4", {},
     "gperftools' tcmalloc_minimal has no transparent-huge-page option (no Temeraire); "
     "its only huge-page path is hugetlbfs via TCMALLOC_MEMFS_MALLOC_PATH, which needs "
     "a mounted hugetlbfs and reserved pages, so no tcmalloc-thp row"),
    ("fragguard", "@build/libfragguard.so", {}, "default profile"),
    ("fragguard-embedded", "@build/libfragguard.so", {"FRAGGUARD_CONFIG": "@config/embedded.conf"},
     "config/embedded.conf"),
]
PEER_PACKAGES = {"libjemalloc.so.2": "libjemalloc2", "libmimalloc.so.2": "libmimalloc2.0",
                 "libtcmalloc_minimal.so.4": "libtcmalloc-minimal4"}
ENV_SCRUB = ("LD_PRELOAD", "GLIBC_TUNABLES", "MALLOC_CONF", "PYTHONMALLOC", "MALLOC_ARENA_MAX")
ENV_SCRUB_PREFIX = ("FRAGGUARD_", "MIMALLOC_", "TCMALLOC_", "JE_MALLOC", "MALLOC_")


def W(name, desc, full, quick, pretouch_mib, reps, kind="c", only=None, bytes_from=None):
    """A workload: argv for full and quick mode (strings; $B is the bench dir),
    MiB to pre-touch (full, quick), repetitions (full; quick is 1)."""
    return dict(name=name, desc=desc, full=full, quick=quick, pretouch=pretouch_mib,
                reps=reps, kind=kind, only=only, bytes_from=bytes_from)


WORKLOADS = [
    W("seed-64M", "seed loop, 16 rounds of 10000 x malloc(400)+memset (64 MB, leaked)",
      "$B/seed 16", "$B/seed 16", (128, 96), 7),
    W("seed-1G", "seed loop, 268 rounds (1 GB, leaked)",
      "$B/seed 268", "$B/seed 26", (1200, 128), 3),
    W("churn", "churn: 100k live objects 16-4096 B, 3 M random replaces",
      "$B/churn 100000 3000000", "$B/churn 20000 200000", (400, 64), 5),
    W("churn-big", "churn with 1 % of objects 64 KiB-1 MiB: 100k live, 1 M replaces",
      "$B/churn 100000 1000000 none 0 4096 10", "$B/churn 20000 50000 none 0 4096 10",
      (1000, 256), 3),
    W("threads-2-local", "2 threads, each replacing its own 4096 live 16-512 B objects",
      "$B/threads 2 local 10000000", "$B/threads 2 local 100000", (64, 32), 5, kind="threads"),
    W("threads-4-local", "4 threads, local as above",
      "$B/threads 4 local 5000000", "$B/threads 4 local 50000", (64, 32), 5, kind="threads"),
    W("threads-2-xfree", "producer -> consumer: 1 pair, consumer frees (cross-thread)",
      "$B/threads 2 xfree 2000000", "$B/threads 2 xfree 100000", (64, 32), 5, kind="threads"),
    W("threads-4-xfree", "producer -> consumer: 2 pairs",
      "$B/threads 4 xfree 1000000", "$B/threads 4 xfree 50000", (64, 32), 5, kind="threads"),
    W("large", "large buffers 1-8 MiB, touched page by page, freed (4 live)",
      "$B/large 2000 4", "$B/large 50 4", (128, 64), 3),
    W("realloc", "realloc growth 16 B -> 64 MiB by 1/8, tail written, 20 rounds",
      "$B/realloc 20", "$B/realloc 2", (256, 160), 5),
    W("hoard", "hoarding: 50 M x 120 B allocated, all freed, 3 s idle",
      "$B/hoard 50000000 120 3", "$B/hoard 1000000 120 0.2", (6600, 160), 1),
    W("sawtooth", "churn 100k live, free 90 % at random, idle 6 s (no call into malloc)",
      "$B/churn 100000 1000000 random 0 4096 0 6", "$B/churn 20000 50000 random 0 4096 0 1",
      (400, 64), 1),
    W("sawtooth-trim", "sawtooth on glibc with malloc_trim(0) after the frees (the target's baseline)",
      "$B/churn 100000 1000000 random 1 4096 0 6", "$B/churn 20000 50000 random 1 4096 0 1",
      (400, 64), 1, only=["glibc"]),
    W("python", "python3 (PYTHONMALLOC=malloc) dicts and lists, tests/bench/dicts.py",
      "@PY @dicts.py 100000", "@PY @dicts.py 10000", (400, 64), 3, kind="python"),
    W("sqlite3", "sqlite3 :memory: 200k INSERTs in one transaction, index, aggregate",
      "@sqlite3 200000", "@sqlite3 5000", (300, 64), 3, kind="sqlite3"),
]

# Workloads whose instruction counts are taken with callgrind (single thread).
CALLGRIND = [("seed-64M", "$B/seed 16"), ("churn-small", "$B/churn 100000 300000")]


class PeakSampler:
    """Samples VmPTE of a running process every 5 ms from a thread of the
    runner (for real programs, which cannot sample themselves at their peak)
    and keeps the largest value; pte_kb is None if no sample was read."""

    def __init__(self, pid):
        self.path = "/proc/%d/status" % pid
        self.pte_kb = None
        self.done = threading.Event()
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.done.wait(0.005):
            try:
                with open(self.path) as f:
                    for line in f:
                        if line.startswith("VmPTE:"):
                            v = int(line.split()[1])
                            if self.pte_kb is None or v > self.pte_kb:
                                self.pte_kb = v
            except (OSError, ValueError, IndexError):
                return

    def stop(self):
        self.done.set()
        self.t.join()


def note(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def find_lib(name):
    """Path of a shared library by file name, or None."""
    if name.startswith("/"):
        return name if os.path.exists(name) else None
    if name.startswith("@"):
        p = os.path.join(TOP, name[1:])
        return p if os.path.exists(p) else None
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) .*=> (\S+)$", line)
            if m and m.group(1) == name and ("x86-64" in line or "64" in line or True):
                if os.path.exists(m.group(2)):
                    return m.group(2)
    except OSError:
        pass
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
              "/usr/lib", "/usr/local/lib", "/lib/x86_64-linux-gnu"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return None


def install_peers(missing):
    pkgs = sorted({PEER_PACKAGES[m] for m in missing if m in PEER_PACKAGES})
    if not pkgs:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        note("--install-peers needs root and apt-get; not installing " + " ".join(pkgs))
        return
    note("installing " + " ".join(pkgs))
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + pkgs
    if subprocess.run(cmd).returncode != 0:
        # A fresh machine's package lists may be empty or stale.
        note("apt-get install failed; apt-get update, then once more")
        subprocess.run(["apt-get", "update", "-qq"])
        if subprocess.run(cmd).returncode != 0:
            note("could not install " + " ".join(pkgs) + ": those peers are skipped")


def resolve_allocators(want, do_install, so):
    libs = {a[1] for a in ALLOCATORS if a[1] and not a[1].startswith("@")}
    if do_install:
        install_peers([lib for lib in libs if not find_lib(lib)])
    out = []
    for name, lib, env, desc in ALLOCATORS:
        if want and name not in want:
            continue
        a = dict(name=name, lib=None, env={}, note=desc, available=True, skip_reason="")
        if lib and lib == "@build/libfragguard.so" and so:
            lib = os.path.abspath(so)
        if lib:
            a["lib"] = find_lib(lib)
            if not a["lib"]:
                a["available"] = False
                a["skip_reason"] = "%s not found (Debian: %s)" % (
                    lib.lstrip("@"), PEER_PACKAGES.get(lib, "make"))
        for k, v in env.items():
            if v.startswith("@"):
                p = os.path.join(TOP, v[1:])
                if not os.path.exists(p):
                    a["available"] = False
                    a["skip_reason"] = "%s does not exist yet" % v[1:]
                v = p
            a["env"][k] = v
        if not a["available"]:
            note("skipping %s: %s" % (name, a["skip_reason"]))
        out.append(a)
    return out


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ENV_SCRUB and not k.startswith(ENV_SCRUB_PREFIX)}
    env["LC_ALL"] = "C"
    return env


def alloc_env(a, extra_preload=None):
    env = clean_env()
    pre = [p for p in (a["lib"], extra_preload) if p]
    if pre:
        env["LD_PRELOAD"] = " ".join(pre)
    env.update(a["env"])
    return env


def parse_fields(text):
    """KEY=VALUE pairs of the last line that has any."""
    for line in reversed(text.strip().splitlines()):
        pairs = re.findall(r"(\S+?)=(\S+)", line)
        if pairs:
            out = {}
            for k, v in pairs:
                try:
                    out[k] = float(v)
                except ValueError:
                    out[k] = v
            return out
    return {}


def sqlite_script(path, n):
    """A text SQL script: n INSERTs in one transaction, an index, an aggregate."""
    with open(path, "w") as f:
        f.write("CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, grp INTEGER, v BLOB);\nBEGIN;\n")
        for i in range(n):
            f.write("INSERT INTO t VALUES(%d,'key-%d-%x',%d,zeroblob(%d));\n"
                    % (i, i, (i * 2654435761) & 0xffffffff, i % 100, 32 + (i * 7919) % 480))
        f.write("COMMIT;\nCREATE INDEX tk ON t(k);\nCREATE INDEX tg ON t(grp, id);\n"
                "SELECT count(*), sum(length(v)) FROM t;\n"
                "SELECT grp, count(*) FROM t GROUP BY grp ORDER BY 2 DESC LIMIT 3;\n"
                "DELETE FROM t WHERE id % 3 = 0;\nSELECT count(*) FROM t;\n")


class Runner:
    def __init__(self, args):
        self.args = args
        self.bdir = os.path.join(TOP, "build", "bench")
        self.out = os.path.abspath(args.out)
        os.makedirs(self.out, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="fg-bench.")
        self.py = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else shutil.which("python3")
        self.sqlite = shutil.which("sqlite3")
        self.benchstat = self.build_benchstat()

    def build_benchstat(self):
        src = os.path.join(TOP, "tests", "bench", "libbenchstat.c.in")
        dst = os.path.join(self.bdir, "libbenchstat.so")
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
            return dst
        cc = os.environ.get("CC", "cc")
        r = subprocess.run([cc, "-O2", "-shared", "-fPIC", "-Wall", "-Wextra", "-o", dst,
                            "-x", "c", src], capture_output=True, text=True)
        if r.returncode:
            note("cannot build libbenchstat.so (no page-table numbers for sqlite3): " + r.stderr.strip())
            return None
        return dst

    def argv(self, wl):
        """(argv, stdin file or None, extra preload, skip reason)."""
        spec = wl["quick" if self.args.quick else "full"]
        if wl["kind"] == "python":
            if not self.py:
                return None, None, None, "python3 not installed"
            spec = spec.replace("@PY", self.py).replace(
                "@dicts.py", os.path.join(TOP, "tests", "bench", "dicts.py"))
            return spec.split(), None, None, ""
        if wl["kind"] == "sqlite3":
            if not self.sqlite:
                return None, None, None, "sqlite3 not installed"
            n = int(spec.split()[1])
            path = os.path.join(self.tmp, "inserts-%d.sql" % n)
            if not os.path.exists(path):
                sqlite_script(path, n)
            return [self.sqlite, ":memory:"], path, self.benchstat, ""
        argv = spec.replace("$B", self.bdir).split()
        if not os.access(argv[0], os.X_OK):
            return None, None, None, "%s not built (make bench builds it)" % argv[0]
        return argv, None, None, ""

    def pretouch(self, mib):
        # Twice MIB (4 KiB pages and huge pages, see pretouch.c) up to 4 GiB.
        mode = self.args.pretouch or ("both" if mib <= 4096 else "half")
        subprocess.run([os.path.join(self.bdir, "pretouch"), str(mib), mode], env=clean_env())

    def run_once(self, wl, a, timeout=900):
        argv, stdin_path, extra, why = self.argv(wl)
        if argv is None:
            return dict(ok=False, error=why)
        env = alloc_env(a, extra)
        if wl["kind"] == "python":
            env["PYTHONMALLOC"] = "malloc"
            env["PYTHONHASHSEED"] = "0"
        stat_path = os.path.join(self.tmp, "stat.txt")
        if extra:
            env["FG_BENCH_STAT"] = stat_path
            if os.path.exists(stat_path):
                os.unlink(stat_path)
        self.pretouch(wl["pretouch"][1 if self.args.quick else 0])
        outp = os.path.join(self.tmp, "out.txt")
        errp = os.path.join(self.tmp, "err.txt")
        with open(outp, "w") as fo, open(errp, "w") as fe, \
                open(stdin_path or os.devnull) as fi:
            t0 = time.monotonic()
            p = subprocess.Popen(argv, stdin=fi, stdout=fo, stderr=fe, env=env, cwd=self.tmp)
            killer = threading.Timer(timeout, p.kill)
            killer.start()
            peak = PeakSampler(p.pid) if extra else None
            _, status, ru = os.wait4(p.pid, 0)
            if peak:
                peak.stop()
            wall = time.monotonic() - t0
            killer.cancel()
            p.returncode = os.waitstatus_to_exitcode(status)
        out = open(outp).read()
        err = open(errp).read()
        r = dict(ok=p.returncode == 0, rc=p.returncode, wall=round(wall, 4),
                 cpu=round(ru.ru_utime + ru.ru_stime, 4), minflt=ru.ru_minflt,
                 majflt=ru.ru_majflt, maxrss_kb=ru.ru_maxrss)
        if not r["ok"]:
            r["error"] = (err or out).strip().splitlines()[-3:]
            return r
        f = parse_fields(out)
        if extra and os.path.exists(stat_path):
            f.update(parse_fields(open(stat_path).read()))
        if peak and peak.pte_kb is not None:
            # A real program cannot sample itself at its peak: the largest
            # VmPTE the runner saw (at exit glibc had given memory back that
            # a shim keeping chunks still maps: not the same moment).
            f["exit_pte_kb"] = f.get("pte_kb")
            f["pte_kb"] = peak.pte_kb
        r["fields"] = f
        if wl["kind"] == "sqlite3":
            r["secs"] = r["wall"]
        else:
            r["secs"] = f.get("secs")
        if "ns_per_op" in f:
            r["ns_per_op"] = f["ns_per_op"]
        # bytes the 2 MiB limit is counted on: what the workload allocated and
        # kept (seed), its live bytes (churn), else its peak RSS (real programs).
        if "bytes" in f:
            r["bytes"] = f["bytes"]
        elif "live_kb" in f:
            r["bytes"] = f["live_kb"] * 1024
        else:
            r["bytes"] = f.get("hwm_kb", ru.ru_maxrss) * 1024
            r["bytes_is_rss"] = True
        r["pte_kb"] = f.get("pte_kb")
        r["thp_kb"] = f.get("thp_kb")
        # VmHWM as the process saw it: ru_maxrss keeps the pre-exec parent's RSS.
        r["peak_rss_kb"] = f.get("hwm_kb", ru.ru_maxrss)
        if "live_kb" in f:  # churn: RSS against live bytes at the end of the churn
            r["rss_per_live"] = f.get("rss_kb", 0) / max(f["live_kb"], 1)
        if wl["name"].startswith("seed"):  # seed: peak RSS against bytes allocated
            r["rss_per_bytes"] = f["hwm_kb"] * 1024 / max(f["bytes"], 1)
        marks = sorted((float(k[4:-2]), v) for k, v in f.items()
                       if k.startswith("rss@") and k.endswith("s"))
        if marks:
            r["rss_1s_kb"] = next((v for t, v in marks if t >= 1.0), marks[-1][1])
            r["settled_kb"] = marks[-1][1]
            r["kept_kb"] = f.get("kept_kb")
        if "settled_kb" in f:
            r["settled_kb"] = f["settled_kb"]
            r["rss_freed_kb"] = f.get("rss_freed_kb")
        r["limit_ratio"] = ru.ru_minflt / max(r["bytes"] / LIMIT_UNIT, 1e-9)
        return r

    def callgrind(self, allocs):
        vg = shutil.which("valgrind")
        res = {}
        if not vg:
            note("valgrind not installed: no instruction counts")
            return {"skipped": "valgrind not installed"}
        cdir = os.path.join(self.out, "callgrind")
        os.makedirs(cdir, exist_ok=True)
        for wname, spec in CALLGRIND:
            if self.args.quick:
                spec = spec.replace("100000 300000", "20000 50000").replace("seed 16", "seed 4")
            argv = spec.replace("$B", self.bdir).split()
            res[wname] = {}
            for a in allocs:
                if not a["available"]:
                    continue
                f = os.path.join(cdir, "%s.%s.out" % (wname, a["name"]))
                env = clean_env()
                env.update(a["env"])
                if a["lib"]:
                    env["LD_PRELOAD"] = a["lib"]
                p = subprocess.run([vg, "--tool=callgrind", "--callgrind-out-file=" + f] + argv,
                                   env=env, capture_output=True, text=True, cwd=self.tmp)
                ir = None
                if p.returncode == 0 and os.path.exists(f):
                    for line in open(f):
                        if line.startswith(("summary:", "totals:")):
                            ir = int(line.split()[1])
                res[wname][a["name"]] = ir
                note("callgrind %s %s: %s Ir" % (wname, a["name"], ir))
                if a["name"].startswith("fragguard") and ir and shutil.which("callgrind_annotate"):
                    ann = subprocess.run(["callgrind_annotate", "--inclusive=no", f],
                                         capture_output=True, text=True).stdout
                    with open(f[:-4] + ".top.txt", "w") as o:
                        o.write(ann)
        return res

    def run(self):
        allocs = resolve_allocators(self.args.alloc, self.args.install_peers, self.args.so)
        avail = [a for a in allocs if a["available"]]
        wls = [w for w in WORKLOADS if not self.args.only or w["name"] in self.args.only]
        results = {w["name"]: {a["name"]: [] for a in avail if not w["only"] or a["name"] in w["only"]}
                   for w in wls}
        skipped = {}
        reps_max = max((self.reps(w) for w in wls), default=0)
        t_start = time.monotonic()
        for rep in range(reps_max):
            for w in wls:
                if rep >= self.reps(w) or w["name"] in skipped:
                    continue
                for a in avail:
                    if w["only"] and a["name"] not in w["only"]:
                        continue
                    r = self.run_once(w, a)
                    if not r["ok"] and "rc" not in r:
                        skipped[w["name"]] = r["error"]
                        note("skipping %s: %s" % (w["name"], r["error"]))
                        break
                    results[w["name"]][a["name"]].append(r)
                    show = ("%.1f ns/op" % r["ns_per_op"]) if "ns_per_op" in r else \
                        ("%.3f s" % r["secs"] if r.get("secs") is not None else "FAILED %s" % r.get("error"))
                    note("[%4.0fs] %-16s %-19s rep %d: %s, %d minflt, %d MiB peak" % (
                        time.monotonic() - t_start, w["name"], a["name"], rep + 1, show,
                        r["minflt"], r.get("peak_rss_kb", r["maxrss_kb"]) // 1024))
        cg = {} if self.args.no_callgrind else self.callgrind(avail)
        doc = dict(
            date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            mode="quick" if self.args.quick else "full", machine=machine_facts(), source=source_facts(),
            pretouch=self.args.pretouch or "both (half above 4 GiB)",
            elapsed_s=round(time.monotonic() - t_start, 1),
            allocators=[{k: a[k] for k in ("name", "lib", "env", "note", "available", "skip_reason")}
                        for a in allocs],
            workloads=[dict(name=w["name"], desc=w["desc"], argv=w["quick" if self.args.quick else "full"],
                            pretouch_mib=w["pretouch"][1 if self.args.quick else 0],
                            reps=self.reps(w), skipped=skipped.get(w["name"]),
                            runs=results[w["name"]], summary=summarise(results[w["name"]]))
                       for w in wls],
            callgrind=cg)
        doc["targets"] = verdicts(doc)
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(doc, f, indent=1)
        with open(os.path.join(self.out, "results.md"), "w") as f:
            f.write(markdown(doc))
        shutil.rmtree(self.tmp, ignore_errors=True)
        note("wrote %s/results.json and results.md (%.0f s)" % (self.out, doc["elapsed_s"]))
        return 0

    def reps(self, w):
        if self.args.reps:
            return self.args.reps
        return 1 if self.args.quick else w["reps"]


def source_facts():
    def git(*a):
        r = subprocess.run(["git", "-C", TOP] + list(a), capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None
    dirty = git("status", "--porcelain", "--", "shim", "include")
    commit = os.environ.get("FG_BENCH_COMMIT") or git("rev-parse", "--short", "HEAD")
    return dict(commit=commit or "unknown (not a git checkout; set FG_BENCH_COMMIT)",
                shim_dirty=bool(dirty))


def machine_facts():
    def read(p):
        try:
            return open(p).read().strip()
        except OSError:
            return None
    thp = read("/sys/kernel/mm/transparent_hugepage/enabled")
    defrag = read("/sys/kernel/mm/transparent_hugepage/defrag")
    cpu = None
    for line in (read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = None
    for line in (read("/proc/meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) // 1024
    return dict(nproc=os.cpu_count(), kernel=platform.release(), arch=platform.machine(),
                cpu=cpu, mem_mib=mem,
                thp=re.search(r"\[(\w+)\]", thp).group(1) if thp else None,
                thp_defrag=re.search(r"\[([\w+]+)\]", defrag).group(1) if defrag else None,
                loadavg=read("/proc/loadavg"),
                glibc=platform.libc_ver()[1])


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarise(byalloc):
    out = {}
    for name, runs in byalloc.items():
        ok = [r for r in runs if r.get("ok")]
        if not ok:
            out[name] = dict(ok=False, errors=[r.get("error") for r in runs])
            continue
        s = dict(ok=True, n=len(ok))
        for key in ("secs", "ns_per_op", "cpu", "wall"):
            xs = [r[key] for r in ok if r.get(key) is not None]
            if xs:
                s[key] = statistics.median(xs)
                s[key + "_min"] = min(xs)
                s[key + "_max"] = max(xs)
        for key in ("minflt", "majflt", "maxrss_kb", "peak_rss_kb", "bytes", "pte_kb", "thp_kb",
                    "rss_per_live", "rss_per_bytes", "settled_kb", "rss_1s_kb", "kept_kb",
                    "rss_freed_kb", "limit_ratio"):
            v = med([r.get(key) for r in ok])
            if v is not None:
                s[key] = v
        s["bytes_is_rss"] = any(r.get("bytes_is_rss") for r in ok)
        out[name] = s
    return out


def is_peer(name):
    return not name.startswith("fragguard")


def speed_key(s):
    return "ns_per_op" if "ns_per_op" in s else "secs"


def best_peer(summary, key):
    c = [(s[key], n) for n, s in summary.items() if is_peer(n) and s.get("ok") and s.get(key) is not None]
    return min(c) if c else (None, None)


def fmt(v, nd=2):
    if v is None:
        return "-"
    if isinstance(v, float) and abs(v) >= 1000:
        return "%.0f" % v
    return ("%." + str(nd) + "f") % v if isinstance(v, float) else str(v)


def markdown(doc):
    m = doc["machine"]
    L = ["# fragguard benchmarks (%s run)" % doc["mode"], "",
         "%s; %s CPUs (%s), %s MiB, kernel %s, THP enabled=%s defrag=%s, glibc %s; "
         "load average at the end: %s; %.0f s." % (
             doc["date"], m["nproc"], m["cpu"], m["mem_mib"], m["kernel"], m["thp"],
             m["thp_defrag"], m["glibc"], m["loadavg"], doc["elapsed_s"]), "",
         "Pre-touch mode: %s. Source: commit %s%s." % (doc.get("pretouch"), doc["source"]["commit"], " (shim/ or include/ changed in the working tree)"
                                    if doc["source"]["shim_dirty"] else ""), "",
         "Time: the workload's own work time (ns per malloc+free for the thread "
         "workloads; process wall time for sqlite3), median of the runs, [min-max]; "
         "x glibc and x best peer (the fastest non-fragguard allocator of the same run). "
         "Faults are minor faults of the whole process (wait4); x limit = faults / "
         "(bytes / 2 MiB), bytes being what the workload keeps live (its peak RSS for "
         "python3 and sqlite3). Peak RSS = VmHWM read by the workload at its end (at exit for sqlite3); PTE = VmPTE and THP = "
         "AnonHugePages sampled by the workload at its peak (sqlite3: THP at exit, VmPTE the largest the runner saw, polling every 5 ms). "
         "Every run was preceded by pre-touching the same memory for every allocator, "
         "once in 4 KiB pages and once in huge pages (tests/bench/pretouch.c says why).", "",
         "## Allocators", ""]
    for a in doc["allocators"]:
        L.append("* **%s**: %s%s%s" % (
            a["name"], a["lib"] or "(no preload)",
            " " + " ".join("%s=%s" % kv for kv in a["env"].items()) if a["env"] else "",
            (" - " + a["note"] if a["note"] else "") +
            ("" if a["available"] else " - **skipped: %s**" % a["skip_reason"])))
    L.append("")
    for w in doc["workloads"]:
        L += ["## %s" % w["name"], "", "%s. `%s`, %d run(s), pre-touch %d MiB." % (
            w["desc"], w["argv"], w["reps"], w["pretouch_mib"]), ""]
        if w["skipped"]:
            L += ["Skipped: %s" % w["skipped"], ""]
            continue
        sm = w["summary"]
        g = sm.get("glibc", {})
        anyk = next((s for s in sm.values() if s.get("ok")), {})
        sk = speed_key(anyk)
        bp, bpn = best_peer(sm, sk)
        unit = "ns/op" if sk == "ns_per_op" else "s"
        hdr = ["allocator", "time %s med [min-max]" % unit, "x glibc", "x best peer", "cpu s",
               "minflt", "x limit", "peak RSS MiB"]
        extra = []
        if any("rss_per_live" in s for s in sm.values()):
            extra.append(("RSS/live", "rss_per_live", 3))
        if any("rss_per_bytes" in s for s in sm.values()):
            extra.append(("RSS/bytes", "rss_per_bytes", 3))
        if any("rss_1s_kb" in s for s in sm.values()):
            extra.append(("RSS@1s MiB", "rss_1s_kb", -1))
        if any("settled_kb" in s for s in sm.values()):
            extra.append(("settled MiB", "settled_kb", -1))
        hdr += [e[0] for e in extra] + ["THP MiB", "PTE KiB"]
        L += ["| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
        for name, s in sm.items():
            if not s.get("ok"):
                L.append("| %s | FAILED: %s |" % (name, str(s.get("errors"))[:100]) + " |" * (len(hdr) - 2))
                continue
            t = s.get(sk)
            row = [name + (" (best peer)" if name == bpn else ""),
                   "%s [%s-%s]" % (fmt(t, 3 if unit == "s" else 1), fmt(s.get(sk + "_min"), 3 if unit == "s" else 1),
                                   fmt(s.get(sk + "_max"), 3 if unit == "s" else 1)),
                   fmt(t / g[sk]) if g.get(sk) else "-", fmt(t / bp) if bp else "-",
                   fmt(s.get("cpu"), 3), "%d" % s["minflt"], fmt(s.get("limit_ratio"), 1),
                   fmt(s["peak_rss_kb"] / 1024, 1)]
            for _, key, nd in extra:
                v = s.get(key)
                row.append(fmt(v / 1024, 1) if (v is not None and nd < 0) else fmt(v, nd))
            row.append(fmt(s["thp_kb"] / 1024, 1) if s.get("thp_kb") is not None and s["thp_kb"] >= 0 else "-")
            row.append(fmt(s.get("pte_kb"), 0) if s.get("pte_kb") is not None else "-")
            L.append("| " + " | ".join(row) + " |")
        L.append("")
    cg = doc.get("callgrind") or {}
    if cg and "skipped" not in cg:
        L += ["## Instruction counts (callgrind, whole process)", "",
              "| workload | " + " | ".join(a["name"] for a in doc["allocators"] if a["available"]) + " |",
              "|---|" + "---|" * sum(1 for a in doc["allocators"] if a["available"])]
        for wname, byalloc in cg.items():
            g = byalloc.get("glibc")
            cells = []
            for a in doc["allocators"]:
                if not a["available"]:
                    continue
                v = byalloc.get(a["name"])
                cells.append("-" if v is None else "%.1f M%s" % (v / 1e6, " (%.2fx)" % (v / g) if g else ""))
            L.append("| %s | %s |" % (wname, " | ".join(cells)))
        L.append("")
    elif cg:
        L += ["Instruction counts: %s." % cg["skipped"], ""]
    L += ["## Targets (issue 7; fragguard default profile, medians of this run)", "",
          "| target | fragguard | glibc | glibc-thp | best peer | verdict |", "|---|---|---|---|---|---|"]
    for t in doc["targets"]:
        L.append("| %s | %s | %s | %s | %s | %s |" % (t["target"], t["fragguard"], t["glibc"],
                                                     t["glibc_thp"], t["best_peer"], t["verdict"]))
    L.append("")
    return "\n".join(L)


def verdicts(doc):
    """Each issue-7 target: fragguard's value, the references, met or missed by how much."""
    S = {w["name"]: w["summary"] for w in doc["workloads"] if not w["skipped"]}
    out = []
    F = "fragguard"

    def get(wl, alloc, key):
        s = S.get(wl, {}).get(alloc, {})
        return s.get(key) if s.get("ok") else None

    def row(target, fv, gv, gtv, bp, limit, fmtv, lower=True):
        if fv is None or limit is None:
            verdict = "not measured"
        else:
            ok = fv <= limit if lower else fv >= limit
            verdict = ("met (%s <= %s)" if ok else "MISSED by %s (%s > %s)") % (
                (fmtv(fv), fmtv(limit)) if ok else
                ("%.0f %%" % (100 * (fv / limit - 1)) if limit else "-", fmtv(fv), fmtv(limit)))
        out.append(dict(target=target, fragguard=fmtv(fv) if fv is not None else "-",
                        glibc=fmtv(gv) if gv is not None else "-",
                        glibc_thp=fmtv(gtv) if gtv is not None else "-",
                        best_peer="%s (%s)" % (fmtv(bp[0]), bp[1]) if bp and bp[0] is not None else "-",
                        verdict=verdict, value=fv, limit=limit))

    def peer_best(wl, fn):
        c = [(fn(n), n) for n, s in S.get(wl, {}).items() if is_peer(n) and s.get("ok") and fn(n) is not None]
        return min(c) if c else None

    x = lambda v: "%.2f x" % v
    # seed 1 GiB faults vs the 2 MiB limit
    lr = lambda a: get("seed-1G", a, "limit_ratio")
    row("seed loop 1 GiB: minor faults <= 1.2 x the 2 MiB limit", lr(F), lr("glibc"), lr("glibc-thp"),
        peer_best("seed-1G", lr), 1.2, lambda v: "%.2f x limit" % v)
    # seed 1 GiB time vs glibc
    g = get("seed-1G", "glibc", "secs")
    rel = lambda a: get("seed-1G", a, "secs") / g if g and get("seed-1G", a, "secs") else None
    row("seed loop 1 GiB: time <= 0.25 x glibc", rel(F), rel("glibc"), rel("glibc-thp"),
        peer_best("seed-1G", rel), 0.25, x)
    for wl in ("seed-1G", "seed-64M"):
        rb = lambda a, wl=wl: get(wl, a, "rss_per_bytes")
        row("%s: peak RSS / bytes <= 1.05" % wl, rb(F), rb("glibc"), rb("glibc-thp"), peer_best(wl, rb), 1.05,
            lambda v: "%.3f" % v)
    g = get("churn", "glibc", "secs")
    rel = lambda a: get("churn", a, "secs") / g if g and get("churn", a, "secs") else None
    row("churn: time <= 0.45 x glibc", rel(F), rel("glibc"), rel("glibc-thp"), peer_best("churn", rel), 0.45, x)
    rl = lambda a: get("churn", a, "rss_per_live")
    row("churn: RSS / live <= 1.05", rl(F), rl("glibc"), rl("glibc-thp"), peer_best("churn", rl), 1.05,
        lambda v: "%.3f" % v)
    trim = get("sawtooth-trim", "glibc", "settled_kb")
    st = lambda a: get("sawtooth", a, "settled_kb") / trim if trim and get("sawtooth", a, "settled_kb") else None
    row("sawtooth (90 %% freed at random): settled RSS <= 1.1 x glibc after malloc_trim(0) (%s MiB)"
        % (fmt(trim / 1024, 1) if trim else "-"), st(F), st("glibc"), st("glibc-thp"),
        peer_best("sawtooth", st), 1.1, x)
    # The workload line reads the sawtooth "idle: RSS after 1 s".
    s1 = lambda a: get("sawtooth", a, "rss_1s_kb") / trim if trim and get("sawtooth", a, "rss_1s_kb") else None
    row("sawtooth (90 % freed at random): RSS 1 s into idleness <= 1.1 x glibc after malloc_trim(0)",
        s1(F), s1("glibc"), s1("glibc-thp"), peer_best("sawtooth", s1), 1.1, x)
    for wl in ("threads-2-local", "threads-2-xfree"):
        tc = get(wl, "tcmalloc", "ns_per_op")
        ns = lambda a, wl=wl: get(wl, a, "ns_per_op")
        row("%s: ns per op <= tcmalloc" % wl, ns(F), ns("glibc"), ns("glibc-thp"), peer_best(wl, ns), tc,
            lambda v: "%.1f ns" % v)
    g = get("large", "glibc", "secs")
    rel = lambda a: get("large", a, "secs") / g if g and get("large", a, "secs") else None
    row("large buffers 1-8 MiB: time <= 0.1 x glibc", rel(F), rel("glibc"), rel("glibc-thp"),
        peer_best("large", rel), 0.1, x)
    for wl in ("threads-2-local", "threads-4-local", "threads-2-xfree", "threads-4-xfree"):
        rs = lambda a, wl=wl: get(wl, a, "peak_rss_kb") / 1024 if get(wl, a, "peak_rss_kb") else None
        lim = rs("glibc") + 2 if rs("glibc") else None
        row("%s: peak RSS <= glibc + 2 MiB" % wl, rs(F), rs("glibc"), rs("glibc-thp"), peer_best(wl, rs), lim,
            lambda v: "%.1f MiB" % v)
    for w in doc["workloads"]:
        wl = w["name"]
        if w["skipped"] or wl == "sawtooth-trim":
            continue
        pt = lambda a, wl=wl: get(wl, a, "pte_kb")
        row("%s: VmPTE <= glibc" % wl, pt(F), pt("glibc"), pt("glibc-thp"), peer_best(wl, pt), pt("glibc"),
            lambda v: "%.0f KiB" % v)
    g = get("python", "glibc", "secs")
    rel = lambda a: get("python", a, "secs") / g if g and get("python", a, "secs") else None
    row("python dicts (PYTHONMALLOC=malloc): time <= 0.6 x glibc", rel(F), rel("glibc"), rel("glibc-thp"),
        peer_best("python", rel), 0.6, x)
    # every ratio target against glibc's own huge-page tunable as well
    for wl, lim in (("seed-1G", 0.25), ("churn", 0.45), ("large", 0.1), ("python", 0.6)):
        gt = get(wl, "glibc-thp", "secs")
        fv = get(wl, F, "secs")
        row("%s: time <= %.2f x glibc-thp" % (wl, lim), fv / gt if fv and gt else None, None, 1.0, None,
            lim, x)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke test: small sizes, one run each")
    ap.add_argument("--out", default=os.path.join(TOP, "build", "bench"))
    ap.add_argument("--only", type=lambda s: s.split(","), help="workloads to run")
    ap.add_argument("--alloc", type=lambda s: s.split(","), help="allocators to run")
    ap.add_argument("--reps", type=int, help="runs per workload and allocator")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--pretouch", choices=("both", "half", "4k", "thp"),
                    help="pre-touch mode for every run (default: both; half above 4 GiB)")
    ap.add_argument("--so", default=os.environ.get("FG_SO"),
                    help="the libfragguard.so to measure (default build/libfragguard.so)")
    ap.add_argument("--install-peers", action="store_true",
                    help="apt-get install missing peer allocators (root only)")
    args = ap.parse_args()
    return Runner(args).run()


if __name__ == "__main__":
    sys.exit(main())
