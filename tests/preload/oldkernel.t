#!/bin/sh
# oldkernel.t: every kernel feature the shim may lack is detected at run
# time, said once, recorded in the report's "kernel" object, and the program
# still runs. Real programs (python3, the seed program) under the shim:
#  1. madvise faked by a seccomp filter (tests/helpers/madvise_einval):
#     MADV_POPULATE_WRITE (< 5.14: pre-faulted by touch, faults counted),
#     MADV_HUGEPAGE (THP refused: base pages), MADV_COLLAPSE (< 6.1), all
#     three; quiet without VERBOSE;
#  2. FRAGGUARD_PROC_ROOT trees of the seeds' boards: 2.6.31 (no
#     compact_memory, no PSI, zoneinfo without managed and nr_free_cma, no
#     pagetypeinfo) and 3.10 (pagetypeinfo and compact_memory replaced by
#     directories: unreadable and not writable even for root), with forks
#     that want compaction: one line per absence with VERBOSE, only the
#     compaction line without.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
h=$B/tests/helpers/madvise_einval
data=$top/tests/data/proc
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
[ -x "$h" ] || { echo "helper not built: $h (make test builds it)"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
# The interpreter itself, not a wrapper script (pyenv) that would run the
# shim in a shell first.
py=$(python3 -c 'import sys; print(sys.executable)')
[ -x "$py" ] || { echo "cannot find the python3 executable"; exit 77; }
"$h" 23 true 2>/dev/null || { echo "cannot install a seccomp filter here"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# Grows a heap of a few chunks (past the first chunk's 1 MiB, where it is
# collapsed into a huge page), forks FORKS times, prints a checksum.
prog='
import os, sys
x = [str(i) * 3 for i in range(400000)]
for _ in range(int(os.environ.get("FORKS", "0"))):
    p = os.fork()
    if p == 0:
        os._exit(0)
    os.waitpid(p, 0)
print(len(x), sum(map(len, x)))'
want=$("$py" -c "$prog") || { echo "python3 fails without the shim"; exit 77; }

# The final report of the run in DIR (forked children exit without one).
report() { # dir, then python expressions over r, each printed on its own line
  d=$1; shift
  python3 - "$d" "$@" <<'PY'
import glob, json, sys
reps = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
reps = [r for r in reps if r["final"] and not r["process"]["forked"]]
if len(reps) != 1:
    print("reports:%d" % len(reps)); sys.exit(0)
r = reps[0]
for e in sys.argv[2:]:
    print(eval(e))
PY
}
# Asserts that the report of DIR has kernel.KEY == VALUE for each pair.
kernel_is() { # name, dir, key=value...
  n=$1; d=$2; shift 2
  for kv in "$@"; do
    got=$(report "$d" "r['kernel']['${kv%%=*}']")
    [ "$got" = "${kv#*=}" ] || fail "$n: kernel.${kv%%=*} is '$got', expected '${kv#*=}'"
  done
}
# Asserts that PATTERN occurs on exactly N lines of FILE.
said() { # name, file, n, pattern
  c=$(grep -c -- "$4" "$2")
  [ "$c" = "$3" ] || { fail "$1: '$4' said $c times, expected $3"; sed 's/^/    /' "$2"; }
}
run() { # name, advice ("" none), env..., then the program and its arguments
  n=$1; adv=$2; shift 2
  mkdir -p "$tmp/$n"
  if [ -n "$adv" ]; then
    "$h" "$adv" FRAGGUARD_REPORT="$tmp/$n" LD_PRELOAD="$so" "$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
  else
    env FRAGGUARD_REPORT="$tmp/$n" LD_PRELOAD="$so" "$@" >"$tmp/$n.out" 2>"$tmp/$n.err"
  fi || fail "$n: exited $?: $(tail -n 3 "$tmp/$n.err")"
}
out_ok() { [ "$(cat "$tmp/$1.out")" = "$want" ] || fail "$1: output '$(cat "$tmp/$1.out")', expected '$want'"; }

# 1. madvise advice the kernel does not know
pw='MADV_POPULATE_WRITE unsupported'
hp='MADV_HUGEPAGE refused'
co='MADV_COLLAPSE unsupported'
run populate 23 FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
out_ok populate
said populate "$tmp/populate.err" 1 "$pw"
kernel_is populate "$tmp/populate" populate=touch
set -- $(report "$tmp/populate" "r['shim']['prefault']" "r['cost']['prefaulted_bytes']" \
  "r['cost']['shim_faults_est']" "r['cost']['prefault_failures']")
[ "$1" = touch ] || fail "populate: shim.prefault is '$1', expected touch"
[ "${2:-0}" -ge $((8 << 20)) ] || fail "populate: only ${2:-0} bytes pre-faulted"
[ "${3:-0}" -ge 4 ] || fail "populate: ${3:-0} pre-fault faults counted"
[ "$4" = 0 ] || fail "populate: $4 pre-fault failures"
echo "1a populate: touch, $2 bytes pre-faulted, $3 faults counted, said once"

run populate_quiet 23 "$py" -c "$prog"
out_ok populate_quiet
said populate_quiet "$tmp/populate_quiet.err" 0 "$pw"
kernel_is populate_quiet "$tmp/populate_quiet" populate=touch
[ -s "$tmp/populate_quiet.err" ] && fail "populate_quiet: stderr: $(cat "$tmp/populate_quiet.err")"
echo "1b populate without VERBOSE: recorded, nothing said"

seed=$B/bench/seed
if [ -x "$seed" ]; then
  run seed 23 FRAGGUARD_VERBOSE=1 "$seed" 40
  grep -q 'failed=0 ' "$tmp/seed.out" || fail "seed: $(cat "$tmp/seed.out")"
  said seed "$tmp/seed.err" 1 "$pw"
  set -- $(report "$tmp/seed" "r['shim']['prefault']" "r['cost']['prefaulted_bytes']" \
    "r['cost']['shim_faults_est']" "r['shim']['chunk_bytes']")
  [ "$1" = touch ] || fail "seed: prefault '$1'"
  [ "${2:-0}" -ge $((150 << 20)) ] || fail "seed: ${2:-0} bytes pre-faulted for 160 MB"
  [ "${3:-0}" -ge $(( ${2:-0} / ${4:-1} )) ] || fail "seed: ${3:-0} faults counted for ${2:-0} bytes"
  echo "1c seed: 40 rounds, no failed malloc, $2 bytes pre-faulted by touch, $3 faults counted"
fi

run thp 14 FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
out_ok thp
said thp "$tmp/thp.err" 1 "$hp"
kernel_is thp "$tmp/thp" thp=refused populate=madvise
set -- $(report "$tmp/thp" "r['shim']['thp_advised']" "r['cost']['shim_faults_est']" \
  "r['cost']['prefaulted_bytes']" "r['shim']['page_bytes']")
[ "$1" = False ] || fail "thp: shim.thp_advised is $1 after MADV_HUGEPAGE was refused"
# refused at the first chunk that wanted a huge page: at most that one
# counted as huge pages, every later one per base page
[ "${2:-0}" -ge $(( ${3:-0} / ${4:-4096} - 1024 )) ] || fail "thp: ${2:-0} faults counted for ${3:-0} bytes"
echo "1d thp: refused once, chunks in base pages ($2 faults counted)"

if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null ||
   [ ! -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
  echo "1e collapse: skipped (no transparent huge pages here)"
else
  run collapse 25 FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
  out_ok collapse
  said collapse "$tmp/collapse.err" 1 "$co"
  kernel_is collapse "$tmp/collapse" collapse=absent populate=madvise
  run collapse_ok "" FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
  said collapse_ok "$tmp/collapse_ok.err" 0 "$co"
  [ "$(report "$tmp/collapse_ok" "r['kernel']['collapse']")" = absent ] &&
    fail "collapse: absent without the filter"
  echo "1e collapse: absent said once; the first chunk stays in base pages"
fi

run all 23,14,25 FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
out_ok all
said all "$tmp/all.err" 1 "$pw"
said all "$tmp/all.err" 1 "$hp"
kernel_is all "$tmp/all" populate=touch thp=refused
echo "1f all three: each said once, the program runs"

# 2. the seeds' kernels as PROC_ROOT trees
tree() { rm -rf "$tmp/$1"; cp -r "$data/$2" "$tmp/$1"; }
cm="compact_memory'"
ps="pressure/memory' is absent"
zm="no 'managed'"
zc="no 'nr_free_cma'"
pt="pagetypeinfo' is"
fork_env="FORKS=3 FRAGGUARD_ON_RISK=compact,wait FRAGGUARD_MAX_WAIT_MS=5 FRAGGUARD_ZONEINFO_MS=0"

tree t26 arm_2.6.31_seed001
run old26 "" $fork_env FRAGGUARD_PROC_ROOT="$tmp/t26" FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
out_ok old26
for p in "$cm" "$ps" "$zm" "$zc" "$pt"; do said old26 "$tmp/old26.err" 1 "$p"; done
kernel_is old26 "$tmp/old26" compact_memory=absent psi=absent zoneinfo_managed=absent \
  zoneinfo_free_cma=absent pagetypeinfo=absent proc_root=True psi_some_avg10_pct=None
set -- $(report "$tmp/old26" "r['actions']['risk_by_cause']['fork']" "r['actions']['compactions']" \
  "r['actions']['refusals']")
[ "${1:-0}" -ge 1 ] || fail "old26: no fork judged at risk (the order-2 directory)"
[ "$2" = 0 ] || fail "old26: $2 compactions without compact_memory"
[ "$3" = 0 ] || fail "old26: $3 refusals with a compact,wait policy"
echo "2a 2.6.31 tree: compact_memory, PSI, managed, nr_free_cma, pagetypeinfo absent, each said once; $1 risky forks"

run old26_quiet "" $fork_env FRAGGUARD_PROC_ROOT="$tmp/t26" "$py" -c "$prog"
out_ok old26_quiet
said old26_quiet "$tmp/old26_quiet.err" 1 "compaction would help, but '$tmp/t26/sys/vm/$cm"
for p in "$ps" "$zm" "$zc" "$pt"; do said old26_quiet "$tmp/old26_quiet.err" 0 "$p"; done
[ "$(wc -l < "$tmp/old26_quiet.err")" = 1 ] || fail "old26_quiet: stderr: $(cat "$tmp/old26_quiet.err")"
kernel_is old26_quiet "$tmp/old26_quiet" compact_memory=absent psi=absent zoneinfo_managed=absent
echo "2b 2.6.31 without VERBOSE: only 'compaction would help' said, once over 3 forks"

tree t310 arm_3.10_cma_seed000
mkdir -p "$tmp/t310/pagetypeinfo" "$tmp/t310/sys/vm/compact_memory"
run old310 "" $fork_env FRAGGUARD_PROC_ROOT="$tmp/t310" FRAGGUARD_VERBOSE=1 "$py" -c "$prog"
out_ok old310
for p in "$cm" "$ps" "pagetypeinfo' is not a file"; do said old310 "$tmp/old310.err" 1 "$p"; done
for p in "$zm" "$zc"; do said old310 "$tmp/old310.err" 0 "$p"; done
kernel_is old310 "$tmp/old310" compact_memory=readonly psi=absent zoneinfo_managed=present \
  zoneinfo_free_cma=present pagetypeinfo=unreadable
[ "$(report "$tmp/old310" "r['actions']['refusals']")" = 0 ] || fail "old310: refusals with a compact,wait policy"
echo "2c 3.10 tree: pagetypeinfo unreadable, compact_memory not writable, PSI absent, each said once"

[ $rc = 0 ] && echo "oldkernel: ok"
exit $rc
