/* fragguard/report.h: the per-process report file, shared by the shim (which
 * writes it: shim/report.c, shim/callsite.c) and the CLI (which reads it:
 * `fragguard report`, `fragguard run`). This comment IS the schema. It is
 * versioned by "schema"; within a version keys are only ever added, never
 * renamed or retyped, so a reader must ignore keys it does not know.
 *
 * FILE
 *   One JSON object per file, UTF-8 (non-ASCII and control bytes of names
 *   escaped as \u00XX), written atomically (temporary file in the same
 *   directory, then rename). Path from FRAGGUARD_REPORT with %p pid, %e
 *   program name (sanitised to [A-Za-z0-9._+-], others '_'), %t start time
 *   (unix seconds), %h host name, %% a percent sign; a directory alone
 *   means DIR/%e.%p.json. The same process rewrites its file (interval,
 *   signal, exec, exit); the last write wins.
 *
 * CONVENTIONS
 *   Integers are JSON numbers (64-bit unsigned unless said; readers should
 *   use 64-bit integers). Units are in the key name: *_bytes bytes,
 *   *_pages pages of "page_bytes", *_ms milliseconds, *_unix_ms
 *   milliseconds since 1970-01-01 UTC, *_pct percent 0..100 (a JSON number
 *   with a fraction). A value that could not be measured is null, never 0.
 *   Addresses and offsets are strings "0x..." (hex, no padding).
 *
 * TOP LEVEL
 *   "schema"        1 (FG_REPORT_SCHEMA)
 *   "generator"     "libfragguard"
 *   "version"       shim version string, e.g. "0.1.0" (FG_REPORT_VERSION)
 *   "reason"        why this write happened: "exit" (the program is
 *                   exiting; last write), "interval" (periodic rewrite every
 *                   REPORT_INTERVAL seconds), "signal" (REPORT_SIGNAL
 *                   received), "exec" (just before an exec* call replaces the
 *                   image; the new image starts its own report, which may
 *                   reuse the path when it has the same name), "request"
 *                   (the program called fg_report_write), "seccomp" (the
 *                   program is installing a seccomp filter: its last write,
 *                   see libfragguard(7)). "fork-child" is
 *                   reserved: a forked child writes under its own pid with
 *                   the reasons above and "process"."forked" true.
 *   "final"         true only when reason is "exit"
 *   "seq"           writes made by this process image so far, this one
 *                   included (1, 2, ...)
 *   "process"       object, identity (below)
 *   "config"        object, the effective configuration (below)
 *   "shim"          object, how the allocator runs (below)
 *   "kernel"        object, what the running kernel offers the shim (below)
 *   "cost"          object, what the process cost the machine (below)
 *   "alloc"         object, allocation profile (below)
 *   "actions"       object, what the shim's policy did (below)
 *   "risk_events"   array, most recent risky moments (below)
 *   "callsites"     object, sampled call sites (below)
 *
 * "process"
 *   "pid", "ppid"         integers
 *   "exe"                 string, readlink of /proc/self/exe, or null
 *   "program"             string, sanitised program name (basename of the
 *                         exe, else of argv[0]); what %e expands to
 *   "cmdline"             array of strings, argv (bounded: at most
 *                         FG_REPORT_CMDLINE_BYTES bytes and
 *                         FG_REPORT_CMDLINE_ARGS arguments in total)
 *   "cmdline_truncated"   bool
 *   "start_unix_ms"       when the shim initialised in this process image
 *                         (for a forked child: the fork)
 *   "time_unix_ms"        when this report was written
 *   "end_unix_ms"         exit time when "final", else null
 *   "uptime_ms"           time_unix_ms - start_unix_ms (monotonic clock)
 *   "host"                string, uname nodename
 *   "kernel"              string, uname release, e.g. "6.1.0-18-amd64"
 *   "machine"             string, uname machine, e.g. "x86_64", "armv7l"
 *   "secure"              bool, secure execution (AT_SECURE): no path was
 *                         taken from the environment
 *   "forked"              bool, this process is a fork of a process that
 *                         ran the shim: counters start at the fork
 *
 * "config"
 *   One key per configuration option (every key of config/default.conf,
 *   without the FRAGGUARD_ prefix, e.g. "RETAIN"), with the effective
 *   value: booleans as 0/1, sizes as integer bytes, counts and times as
 *   integers (in the unit their key says: RELEASE_MS ms, REPORT_INTERVAL
 *   seconds), REPORT_SIGNAL as the signal number (0: none), REPORT as a
 *   string (the pattern, not the expanded path).
 *
 * "shim"
 *   "active"          bool: false when DISABLE=1 (then cost/alloc hold
 *                     only /proc values, allocator counters are 0)
 *   "page_bytes"      the OS page size
 *   "chunk_bytes"     the chunk size
 *   "huge_page_bytes" the PMD huge page size, 0 when THP is unavailable
 *   "thp_advised"     bool, chunks get MADV_HUGEPAGE
 *   "prefault"        "madvise" (MADV_POPULATE_WRITE), "touch" (one write
 *                     per page, kernels < 5.14), "untested" (no chunk
 *                     pre-faulted yet) or "off" (PREFAULT=0)
 *   "deepbind_dropped" dlopen calls whose RTLD_DEEPBIND the shim dropped
 *                     (KEEP_DEEPBIND=0), so that the library frees with the
 *                     shim's free
 *
 * "kernel"
 *   Each feature the shim may use, found at run time where it is first
 *   needed and said once on stderr (with VERBOSE=1, or when its absence
 *   matters at that moment: compaction that would have helped). A string;
 *   "untested" while the shim has not needed it yet (the files are probed
 *   when looking before large faults starts, i.e. at the first chunk).
 *   "populate"        "madvise" (MADV_POPULATE_WRITE works) or "touch"
 *                     (EINVAL, kernels < 5.14: pre-faulted by one write per
 *                     page); as "shim"."prefault" says
 *   "thp"             "always", "madvise" (the sysfs mode), "never" (no
 *                     huge pages), "absent" (no sysfs directory: < 2.6.38,
 *                     ARM32 without LPAE, THP not built in) or "refused"
 *                     (MADV_HUGEPAGE returned EINVAL: chunks stay in base
 *                     pages from then on)
 *   "collapse"        "supported" or "absent" (MADV_COLLAPSE returned
 *                     EINVAL: < 6.1; the first chunk stays in base pages)
 *   "compact_memory"  "writable", "readonly" (not writable by this process)
 *                     or "absent" (< 2.6.35 or no CONFIG_COMPACTION): when
 *                     not writable the policy never compacts
 *   "psi"             "present" or "absent" (/proc/pressure/memory: < 4.20
 *                     or psi=0)
 *   "zoneinfo_managed"   "present" or "absent" (< 3.8) in /proc/zoneinfo
 *   "zoneinfo_free_cma"  "present" or "absent" (nr_free_cma: < 3.7)
 *   "pagetypeinfo"    "readable", "unreadable" (root-only since 5.4, or not
 *                     a file) or "absent"
 *   "psi_some_avg10_pct", "psi_full_avg10_pct"   memory pressure when the
 *                     report was written (a number with a fraction), null
 *                     without PSI
 *   "proc_root"       bool: PROC_ROOT replaced /proc, so compact_memory,
 *                     psi, zoneinfo_* and pagetypeinfo describe that tree
 *
 * "cost"
 *   "minor_faults", "major_faults"  the whole process (getrusage
 *                     RUSAGE_SELF: all threads, the shim included)
 *   "shim_faults_est"  faults taken by the shim's own pre-faulting,
 *                     ESTIMATED (not measured): each pre-faulted range
 *                     counts bytes / huge_page_bytes faults when the range
 *                     is huge-page advised and huge_page_bytes-aligned
 *                     (one fault per PMD), else bytes / page_bytes. A
 *                     huge page the kernel could not provide makes the
 *                     real number higher (up to 512 x per 2 MiB).
 *   "program_faults_est"  minor_faults - shim_faults_est, at least 0
 *   "prefaulted_bytes"  bytes faulted in by the shim itself
 *   "prefault_failures" pre-faults the kernel refused
 *   "chunks_mapped", "chunks_unmapped", "chunks_reused"   counts, ever
 *   "mapped_bytes"     chunk bytes mapped now
 *   "retained_bytes"   empty chunk bytes kept mapped for reuse now
 *   "in_use_bytes"     small objects handed out (incl. thread caches) plus
 *                      large blocks' mappings, now
 *   "small_in_use_bytes", "large_in_use_bytes"   the two parts of it
 *   "released_bytes"   bytes ever given back to the kernel (munmap and
 *                      MADV_DONTNEED)
 *   "anon_bytes"       Anonymous: of /proc/self/smaps_rollup (whole
 *                      process), null if unreadable
 *   "anon_huge_bytes"  AnonHugePages: of smaps_rollup, null if unreadable
 *   "huge_page_pct"    anon_huge_bytes / anon_bytes * 100, null if either is
 *                      null or anon_bytes is 0 (the heap dominates anonymous
 *                      memory in most daemons; stacks and glibc's own are in
 *                      it too)
 *   "page_table_bytes" VmPTE of /proc/self/status (null if absent: < 2.6.30)
 *   "peak_rss_bytes"   VmHWM
 *   "rss_bytes"        VmRSS
 *   "user_ms", "system_ms"  CPU time (getrusage)
 *
 * "alloc"
 *   "classes"   array, one object per size class that saw traffic, by size:
 *               "class" index, "size_bytes" object size,
 *               "allocs" objects taken from the shared heap (by thread-cache
 *               refills or uncached allocations; an object freed and
 *               reused inside one thread's cache is counted once, so this
 *               is heap traffic, not malloc calls), "frees" objects given
 *               back to the shared heap, "bytes" allocs * size_bytes,
 *               "in_use_bytes" now (incl. thread caches), "spans" now
 *   "large_allocs", "large_frees", "large_reused"   counts of blocks above
 *               LARGE (each its own mapping; reused: from the free cache)
 *   "large_bytes"     address space of live large blocks now
 *   "failures"        allocations that returned NULL for want of memory
 *
 * "actions"  (issue 4's policy; all integers, 0 when nothing happened)
 *   "available"       bool: false when this shim has no policy compiled in
 *                     (every other key is then 0)
 *   "samples"         kernel free-memory samples taken
 *   "risk_events"     large faults judged risky
 *   "risk_by_cause"   object: "chunk", "large", "mmap", "fork" counts
 *   "compactions"     compactions triggered
 *   "compactions_helped"  of which the next sample said the request fits
 *   "waits"           back-off waits
 *   "stall_ms"        total time spent in waits and compaction
 *   "fallbacks"       fell back (e.g. no huge page)
 *   "thp_fallbacks"   huge page advice dropped
 *   "refusals"        allocations failed with ENOMEM by policy
 *   Further counters of the policy may appear as extra integer keys.
 *
 * "risk_events"  array of at most FG_REPORT_RISK_RING objects, oldest
 *   first (the most recent ones are kept):
 *   "t_ms"        since start_unix_ms
 *   "cause"       "chunk", "large", "mmap" or "fork" (the large fault)
 *   "reason"      why it was risky, in explain's vocabulary: "exhausted",
 *                 "cma_stranded", "zone_restricted", "no_free_block",
 *                 "unknown"
 *   "order"       the order of the kernel allocation at risk
 *   "bytes"       the request size
 *   "zone"        zone name or null
 *   "free_pages", "min_pages", "low_pages", "high_pages"   that zone
 *   "margin_pages"  signed: what the usable zones can grant above min and
 *                 reserve, minus what the fault needs (pages for order 0,
 *                 blocks above); negative means the kernel would refuse
 *   "free_blocks"   array of counts of free blocks per order 0..N
 *   "action"      "none", "compact", "wait", "fallback" or "refuse"
 *   "outcome"     "ok" or "failed"
 *
 * "callsites"
 *   Sampled with the C library's backtrace(): byte-weighted, one sample every sample_bytes on
 *   average (exponentially distributed intervals), counted over the bytes
 *   thread caches take from the shared heap (refills) and large blocks,
 *   i.e. heap growth, not alloc/free churn inside a thread cache. Also one
 *   unwind at every new chunk or large mapping (not sampled: all of them).
 *   "enabled"         bool (SAMPLE_BYTES > 0 and an unwinder compiled in)
 *   "unwinder"        "libgcc" (glibc's backtrace), or "none" in a shim built
 *                     with UNWIND=0 (musl has no backtrace)
 *   "status"          "sampled", "absent: built without an unwinder",
 *                     "off: SAMPLE_BYTES=0" or "off: not armed"; readers
 *                     show it where they would show sites
 *   "sample_bytes"    mean sampling interval
 *   "samples"         byte samples taken; "mappings" mapping unwinds taken
 *   "sites"           distinct sites in the table (at most FG_REPORT_SITES)
 *   "dropped"         samples lost because the table was full
 *   "unwind_failures" unwinds that produced no frame
 *   "by_bytes"        array of the top FG_REPORT_TOP sites by est_bytes,
 *   "by_chunks"       the top FG_REPORT_TOP sites by mapped_bytes (sites
 *                     that mapped nothing are left out); each site:
 *     "est_bytes"     estimated bytes this site took from the heap: the
 *                     sum over its samples of max(sample_bytes, request)
 *     "samples"       byte samples at this site
 *     "chunks"        new mappings (chunks or large blocks) it caused
 *     "mapped_bytes"  bytes of those mappings
 *     "frames"        array, innermost first (the allocating function's
 *                     caller of malloc first; the shim's own frames are
 *                     removed), at most FG_REPORT_FRAMES, each:
 *       "address"     "0x..." the return address minus 1 (inside the call
 *                     instruction), for the innermost frame the pc
 *       "module"      string, path of the ELF object holding it (the main
 *                     program's exe path for it), or null if unknown
 *       "offset"      "0x..." address minus the module's load bias: the
 *                     ELF virtual address, what `addr2line -e MODULE
 *                     OFFSET` takes
 *       "symbol"      string, the function name from the module's .symtab
 *                     or .dynsym, read by the shim at report time, or null
 *                     when stripped/unreadable: the CLI then resolves
 *                     module + offset itself (and may add file:line)
 *       "symbol_offset"  integer, address minus the symbol's start, or null
 */
#ifndef FRAGGUARD_REPORT_H
#define FRAGGUARD_REPORT_H

#define FG_REPORT_SCHEMA 1
#define FG_REPORT_VERSION "0.1.0"

/* Bounds of the report's fixed tables (the writer never allocates). */
#define FG_REPORT_CMDLINE_BYTES 4096 /* argv bytes kept */
#define FG_REPORT_CMDLINE_ARGS 64    /* argv entries kept */
#define FG_REPORT_SITES 1024         /* call-site hash table entries */
#define FG_REPORT_FRAMES 16          /* frames kept per site */
#define FG_REPORT_TOP 16             /* sites per list in the report */
#define FG_REPORT_RISK_RING 32       /* risk events kept */
#define FG_REPORT_MAX_BYTES (1u << 20) /* a report is never larger */

/* Values of "reason". */
#define FG_REPORT_REASONS "exit", "interval", "signal", "exec", "fork-child", "request", "seccomp"

#endif
