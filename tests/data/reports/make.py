#!/usr/bin/env python3
"""Makes per-process report files in the shim's format (schema 1, see
include/fragguard/report.h) for the `fragguard report` tests.

  make.py fixtures DIR     the hand-shaped set under tests/data/reports/basic
                           (programs, a forked child, a disabled shim, risk
                           events, unsymbolised frames) plus DIR/../bad
  make.py many DIR N       N varied, realistic reports (the speed test)

Deterministic: the same arguments give the same bytes."""
import json
import os
import random
import sys

T0 = 1718000000000  # start time of the first process, unix ms


def classes(rng, scale):
    out = []
    for i, size in enumerate([16, 32, 48, 64, 96, 128, 256, 512, 1024, 4096]):
        n = int(scale * rng.randint(10000, 500000) / (i + 1))
        if n:
            out.append({"class": i, "size_bytes": size, "allocs": n, "frees": n // 2,
                        "bytes": n * size, "in_use_bytes": (n - n // 2) * size,
                        "spans": 1 + n * size // 65536})
    return out


def frame(sym, module, off):
    return {"address": hex(0x7f0000000000 + off), "module": module,
            "offset": hex(off), "symbol": sym, "symbol_offset": 12 if sym else None}


def report(pid, program, *, ppid=1, exe=None, argv=None, start_ms=T0, life_ms=2250,
           reason="exit", minor=1480, major=3, prefaulted=16 << 20, anon=20 << 20,
           huge=16 << 20, pte=122880, peak=25264128, rss=21000000, scale=1.0,
           actions=None, risks=(), sites=(), active=True, seed=0):
    rng = random.Random(seed or pid)
    final = reason == "exit"
    act = {"available": True, "samples": 0, "risk_events": len(risks),
           "risk_by_cause": {"chunk": 0, "large": 0, "mmap": 0, "fork": 0},
           "compactions": 0, "compactions_helped": 0, "waits": 0, "stall_ms": 0,
           "fallbacks": 0, "thp_fallbacks": 0, "refusals": 0}
    for r in risks:
        act["risk_by_cause"][r["cause"]] += 1
    act.update(actions or {})
    cls = classes(rng, scale) if active else []
    shim_faults = prefaulted // (2 << 20) if huge else prefaulted // 4096
    return {
        "schema": 1, "generator": "libfragguard", "version": "0.1.0",
        "reason": reason, "final": final, "seq": 3,
        "process": {
            "pid": pid, "ppid": ppid, "exe": exe or "/usr/bin/" + program,
            "program": program, "cmdline": argv or [program],
            "cmdline_truncated": False, "start_unix_ms": start_ms,
            "time_unix_ms": start_ms + life_ms,
            "end_unix_ms": start_ms + life_ms if final else None,
            "uptime_ms": life_ms, "host": "board1", "kernel": "6.1.0-18-arm64",
            "machine": "aarch64", "secure": False},
        "config": {"DISABLE": 0 if active else 1, "THP": 1, "PREFAULT": 1,
                   "RETAIN": 4 << 20, "REPORT": "/var/log/fragguard/%e.%p.json",
                   "REPORT_INTERVAL": 10, "REPORT_SIGNAL": 0},
        "shim": {"active": active, "page_bytes": 4096, "chunk_bytes": 2 << 20,
                 "huge_page_bytes": 2 << 20, "thp_advised": True,
                 "prefault": "madvise" if active else "off"},
        "cost": {
            "minor_faults": minor, "major_faults": major,
            "shim_faults_est": shim_faults if active else 0,
            "program_faults_est": max(0, minor - shim_faults) if active else minor,
            "prefaulted_bytes": prefaulted if active else 0, "prefault_failures": 0,
            "chunks_mapped": prefaulted // (2 << 20), "chunks_unmapped": 1 if active else 0,
            "chunks_reused": 0, "mapped_bytes": prefaulted, "retained_bytes": 4 << 20,
            "in_use_bytes": 12 << 20, "small_in_use_bytes": 10 << 20,
            "large_in_use_bytes": 2 << 20, "released_bytes": 4 << 20 if active else 0,
            "anon_bytes": anon, "anon_huge_bytes": huge,
            "huge_page_pct": None if anon is None or huge is None or not anon
            else round(100.0 * huge / anon, 2),
            "page_table_bytes": pte, "peak_rss_bytes": peak, "rss_bytes": rss,
            "user_ms": life_ms // 2, "system_ms": life_ms // 10},
        "alloc": {"classes": cls, "large_allocs": 3, "large_frees": 2, "large_reused": 1,
                  "large_bytes": 2 << 20, "failures": act["refusals"]},
        "actions": act,
        "risk_events": list(risks),
        "callsites": {"enabled": bool(sites), "sample_bytes": 524288,
                      "samples": sum(s["samples"] for s in sites), "mappings": 8,
                      "sites": len(sites), "dropped": 0, "unwind_failures": 0,
                      "by_bytes": list(sites),
                      "by_chunks": [s for s in sites if s["chunks"]]},
    }


def site(est, chunks, frames, samples=None):
    return {"est_bytes": est, "samples": samples or max(1, est // 524288),
            "chunks": chunks, "mapped_bytes": chunks * (2 << 20), "frames": frames}


def risk(t_ms, cause, order, action, outcome, free_blocks, zone="Normal", margin=-12):
    return {"t_ms": t_ms, "cause": cause, "order": order, "bytes": 2 << 20, "zone": zone,
            "free_pages": sum(n << o for o, n in enumerate(free_blocks)),
            "min_pages": 499, "low_pages": 623, "high_pages": 748,
            "margin_pages": margin, "free_blocks": free_blocks,
            "action": action, "outcome": outcome}


# Module paths in frames are looked up on disk for symbols: under /fixture
# they exist nowhere, so the output does not depend on the machine.
FX = "/fixture"
LIBPY = FX + "/usr/lib/aarch64-linux-gnu/libpython3.11.so.1.0"
LIBSTD = FX + "/usr/lib/aarch64-linux-gnu/libstdc++.so.6"


def write(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def fixtures(top):
    d = os.path.join(top, "basic")
    os.makedirs(d, exist_ok=True)
    py_sites = [
        site(734003200, 5, [frame("PyObject_Malloc", LIBPY, 0x1a2b30),
                            frame("_PyObject_New", LIBPY, 0x1a0000)]),
        site(209715200, 2, [frame("PyByteArray_Resize", LIBPY, 0x201000)]),
        site(52428800, 1, [frame(None, FX + "/usr/bin/python3.11", 0x4f10),
                           frame("main", FX + "/usr/bin/python3.11", 0x1234)]),
    ]
    write(os.path.join(d, "python3.4242.json"), report(
        4242, "python3", ppid=4200, exe="/usr/bin/python3.11",
        argv=["python3", "-c", "x = [bytearray(100) for i in range(100000)]"],
        actions={"samples": 12, "compactions": 1, "compactions_helped": 1, "waits": 2,
                 "stall_ms": 12},
        risks=[risk(750, "chunk", 0, "compact", "ok", [120, 60, 30, 12, 4, 1, 0, 0, 0, 0, 0]),
               risk(1500, "chunk", 0, "wait", "ok", [150, 70, 31, 12, 5, 1, 0, 0, 0, 0, 0])],
        sites=py_sites))
    write(os.path.join(d, "python3.4250.json"), report(
        4250, "python3", ppid=4242, exe="/usr/bin/python3.11", start_ms=T0 + 1000,
        life_ms=400, minor=220, major=0, prefaulted=2 << 20, anon=4 << 20, huge=2 << 20,
        pte=36864, peak=9 << 20, rss=8 << 20, scale=0.1, sites=py_sites[:1]))
    # A C++ daemon killed before exit: its last interval report, with the
    # policy busy; operator new frames and a frame without a symbol.
    write(os.path.join(d, "memcached.3100.json"), report(
        3100, "memcached", exe="/usr/bin/memcached", argv=["memcached", "-m", "64"],
        start_ms=T0 - 3600 * 1000, life_ms=3600 * 1000 + 5000, reason="interval",
        minor=9100, major=12, prefaulted=64 << 20, anon=80 << 20, huge=40 << 20,
        pte=348160, peak=90 << 20, rss=85 << 20, scale=20,
        actions={"samples": 340, "compactions": 4, "compactions_helped": 3, "waits": 9,
                 "stall_ms": 1840, "fallbacks": 2, "thp_fallbacks": 2, "refusals": 1},
        risks=[risk(3000000 + i * 60000, c, o, a, oc, fb, margin=m) for i, (c, o, a, oc, fb, m) in
               enumerate([("chunk", 9, "compact", "ok", [900, 400, 200, 80, 30, 8, 2, 1, 0, 0, 0], -20),
                          ("chunk", 9, "compact", "failed", [1200, 500, 190, 60, 12, 3, 0, 0, 0, 0, 0], -40),
                          ("large", 0, "wait", "ok", [300, 120, 40, 9, 2, 0, 0, 0, 0, 0, 0], -5),
                          ("chunk", 9, "fallback", "ok", [640, 300, 120, 40, 10, 2, 0, 0, 0, 0, 0], -8),
                          ("large", 0, "refuse", "failed", [80, 20, 4, 0, 0, 0, 0, 0, 0, 0, 0], -90)])],
        sites=[site(1 << 30, 30, [frame("_Znwm", LIBSTD, 0xa9e40),
                                   frame("slabs_alloc", FX + "/usr/bin/memcached", 0x2f300)]),
               site(200 << 20, 4, [frame(None, FX + "/usr/lib/libevent-2.1.so.7", 0x1c0f0)])]))
    # The shim disabled (DISABLE=1) on an old kernel: /proc values only, no
    # VmPTE (< 2.6.30), smaps_rollup unreadable.
    write(os.path.join(d, "sh.4200.json"), report(
        4200, "sh", exe="/bin/dash", argv=["sh", "-c", "python3 x.py"], start_ms=T0 - 200,
        life_ms=2700, minor=150, major=1, prefaulted=0, anon=None, huge=None, pte=None,
        peak=1 << 20, rss=900 << 10, active=False))

    b = os.path.join(top, "bad")
    os.makedirs(b, exist_ok=True)
    good = json.dumps(report(5000, "trunc"), indent=1)
    with open(os.path.join(b, "truncated.json"), "w") as f:
        f.write(good[:len(good) // 2])
    write(os.path.join(b, "foreign.json"), {"name": "left-pad", "version": "1.3.0",
                                            "dependencies": {}})
    newer = report(5001, "future")
    newer["schema"] = 2
    write(os.path.join(b, "newer.json"), newer)
    open(os.path.join(b, "empty.json"), "w").close()
    with open(os.path.join(b, "notjson.json"), "w") as f:
        f.write("Node 0, zone Normal 1 2 3\n")
    write(os.path.join(b, "good.5002.json"), report(5002, "good", seed=5002))


PROGRAMS = ["nginx", "memcached", "python3", "postgres", "redis-server", "sshd",
            "systemd-journald", "node", "java", "rsyslogd", "cron", "sh"]


def many(d, n):
    os.makedirs(d, exist_ok=True)
    rng = random.Random(n)
    for i in range(n):
        pid = 10000 + i
        prog = PROGRAMS[i % len(PROGRAMS)]
        nsites = rng.randint(0, 16)
        sites = [site(rng.randint(1, 1 << 30), rng.randint(0, 20),
                      [frame(prog + "_fn%d" % k, FX + "/usr/bin/" + prog, 0x1000 + k * 64),
                       frame("main", FX + "/usr/bin/" + prog, 0x900)])
                 for k in range(nsites)]
        nr = rng.randint(0, 4)
        risks = [risk(rng.randint(0, 60000), "chunk", 9, "compact", "ok",
                      [rng.randint(0, 2000) >> o for o in range(11)]) for _ in range(nr)]
        r = report(pid, prog, ppid=10000 + i // 3, start_ms=T0 + i * 1000,
                   life_ms=rng.randint(10, 3600000), minor=rng.randint(100, 10**6),
                   major=rng.randint(0, 100), prefaulted=rng.randint(1, 64) << 21,
                   anon=rng.randint(64, 128) << 20, huge=rng.randint(0, 64) << 20,
                   pte=rng.randint(8, 512) << 12, peak=rng.randint(4, 512) << 20,
                   rss=rng.randint(4, 256) << 20, scale=rng.random() * 10,
                   actions={"samples": rng.randint(0, 100), "compactions": rng.randint(0, 3),
                            "waits": rng.randint(0, 3), "stall_ms": rng.randint(0, 500)},
                   risks=risks, sites=sites, reason=rng.choice(["exit", "interval"]),
                   seed=pid)
        with open(os.path.join(d, "%s.%d.json" % (prog, pid)), "w") as f:
            json.dump(r, f, separators=(",", ":"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fixtures":
        fixtures(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "many":
        many(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
