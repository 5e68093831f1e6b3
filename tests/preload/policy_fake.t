#!/bin/sh
# policy_fake.t: the shim's look before large faults, on fake /proc trees
# (FRAGGUARD_PROC_ROOT) built from tests/data/proc:
#  1. healthy (the live x86-64 capture): the seed program runs, nothing refused;
#  2. seed-000-like (every free page CMA): after a healthy phase the tree turns
#     bad; memory already faulted keeps serving, the next chunk is refused
#     (malloc NULL, errno ENOMEM);
#  3. movable fragmentation (no free order-9 block, order 0 plentiful) with
#     compaction allowed: the shim writes DIR/sys/vm/compact_memory, a stand-in
#     "kernel" restores the blocks, the chunk proceeds with its huge page;
#  4. a wait-only policy waits no longer than its bound per event;
#  5. fork on the seed-001 tree (2.6.31 ARM, order-2 directory fails the
#     pre-4.4 rule) returns -1/ENOMEM; with ERA=44 forced it succeeds;
#  6. mmap: a MAP_POPULATE mapping is refused in the CMA state, PROT_NONE and
#     MAP_NORESERVE reservations are not.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
h=$B/tests/helpers/fgguard
data=$top/tests/data/proc
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
[ -x "$h" ] || { echo "helper not built: $h (make test builds it)"; exit 77; }
tmp=$(mktemp -d) || exit 2
bg=""
trap '[ -n "$bg" ] && kill $bg 2>/dev/null; rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
val() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
tree() { # name, source: a fresh copy with a writable compact_memory
  rm -rf "$tmp/$1"; mkdir -p "$tmp/$1/sys/vm"; cp -r "$data/$2/." "$tmp/$1/"
  : > "$tmp/$1/sys/vm/compact_memory"
}
run() { # out, env..., -- args
  out=$1; shift
  env FRAGGUARD_ZONEINFO_MS=0 FRAGGUARD_VERBOSE=1 "$@" >"$out" 2>"$out.err"
}

# 1. healthy
tree ok live_x86_64_6.18
seed=$B/bench/seed
if [ -x "$seed" ]; then
  env FRAGGUARD_PROC_ROOT="$tmp/ok" LD_PRELOAD="$so" "$seed" 20 >"$tmp/1.seed" 2>&1 ||
    fail "seed program under a healthy tree exited $?"
  grep -q 'failed=0 ' "$tmp/1.seed" || fail "seed program saw failed mallocs: $(cat "$tmp/1.seed")"
fi
run "$tmp/1" FRAGGUARD_PROC_ROOT="$tmp/ok" LD_PRELOAD="$so" "$h" grow 16
[ "$(val "$tmp/1" grow_failed)" = 0 ] || fail "healthy: mallocs failed"
[ "$(val "$tmp/1" guard_on)" = 1 ] || fail "healthy: guard not on"
[ "$(val "$tmp/1" guard_checks)" -ge 8 ] || fail "healthy: fewer than 8 chunk checks"
[ "$(val "$tmp/1" refusals)" = 0 ] || fail "healthy: refusals"
[ "$(val "$tmp/1" risk_events)" = 0 ] || fail "healthy: risk seen"
echo "1 healthy: $(val "$tmp/1" guard_checks) checks, $(val "$tmp/1" guard_samples) samples, no risk"

# 2. healthy, then seed-000-like
tree cma live_x86_64_6.18
mkdir -p "$tmp/sync"
env FRAGGUARD_ZONEINFO_MS=0 FRAGGUARD_VERBOSE=1 FRAGGUARD_PROC_ROOT="$tmp/cma" LD_PRELOAD="$so" \
  "$h" phases 8 "$tmp/sync" >"$tmp/2" 2>"$tmp/2.err" &
pid=$!
i=0; while [ ! -f "$tmp/sync/phase1" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done
cat "$data/arm_3.10_cma_seed000/zoneinfo" > "$tmp/cma/zoneinfo"
cat "$data/arm_3.10_cma_seed000/buddyinfo" > "$tmp/cma/buddyinfo"
: > "$tmp/sync/go"
wait $pid || fail "phases exited $?"
[ "$(val "$tmp/2" phase1_failed)" = 0 ] || fail "cma: phase 1 (healthy) failed mallocs"
[ "$(val "$tmp/2" reuse_ok)" = 1000 ] || fail "cma: already-faulted memory did not serve: reuse_ok=$(val "$tmp/2" reuse_ok)"
[ "$(val "$tmp/2" phase2_failed)" -gt 0 ] || fail "cma: no malloc refused after the state turned bad"
[ "$(val "$tmp/2" phase2_errno)" = 12 ] || fail "cma: errno $(val "$tmp/2" phase2_errno), expected ENOMEM (12)"
[ "$(val "$tmp/2" risk_cma)" -ge 1 ] || fail "cma: cause not counted as CMA"
[ "$(val "$tmp/2" compactions)" = 0 ] || fail "cma: compacted for an order-0 CMA shortage"
grep -q 'chunk: pagetable order 0 at risk (cma' "$tmp/2.err" || fail "cma: no verbose line"
echo "2 cma: phase2 ok $(val "$tmp/2" phase2_ok) refused $(val "$tmp/2" phase2_failed) (errno $(val "$tmp/2" phase2_errno)), reuse ok"

# 3. movable fragmentation, compaction allowed
thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r $thp ] && ! grep -q '\[never\]' $thp; then
  tree frag live_x86_64_6.18
  # bad: no free block of order >= 9 anywhere; good: the capture's blocks.
  # Both states in fixed-width columns, the same length: the stand-in kernel
  # overwrites the file in place (the shim keeps it open and preads it; a
  # truncating write could be read half-done, as an empty file).
  fixed='{ printf "%s %s %s %8s", $1, $2, $3, $4; for (i = 5; i <= NF; i++) printf " %10s", $i; print "" }'
  awk "$fixed" "$tmp/frag/buddyinfo" > "$tmp/frag.good"
  awk '{ $14 = 0; $15 = 0; print }' "$tmp/frag.good" | awk "$fixed" > "$tmp/frag.bad"
  cat "$tmp/frag.bad" > "$tmp/frag/buddyinfo"
  ( # the stand-in kernel: compaction makes the huge blocks again
    while ! grep -q 1 "$tmp/frag/sys/vm/compact_memory" 2>/dev/null; do sleep 0.01; done
    dd if="$tmp/frag.good" of="$tmp/frag/buddyinfo" conv=notrunc status=none
  ) &
  bg=$!
  run "$tmp/3" FRAGGUARD_PROC_ROOT="$tmp/frag" FRAGGUARD_ON_RISK=compact,wait,refuse \
    FRAGGUARD_MAX_WAIT_MS=3000 LD_PRELOAD="$so" "$h" grow 8
  kill $bg 2>/dev/null; bg=""
  [ "$(val "$tmp/3" grow_failed)" = 0 ] || fail "frag: mallocs failed"
  grep -q 1 "$tmp/frag/sys/vm/compact_memory" || fail "frag: compact_memory not written"
  [ "$(val "$tmp/3" compactions)" = 1 ] || fail "frag: compactions=$(val "$tmp/3" compactions), expected 1"
  [ "$(val "$tmp/3" compactions_effective)" = 1 ] || fail "frag: compaction not seen effective"
  [ "$(val "$tmp/3" risk_thp)" -ge 1 ] && [ "$(val "$tmp/3" risk_fragmented)" -ge 1 ] ||
    fail "frag: risk not counted as a fragmented huge page"
  [ "$(val "$tmp/3" fallbacks)" = 0 ] || fail "frag: fell back although compaction helped"
  [ -f "$tmp/frag/compact.stamp" ] || fail "frag: no shared compaction stamp"
  echo "3 frag: compacted once, effective, waited $(val "$tmp/3" wait_ms) ms, no fallback"
else
  echo "3 frag: skipped (transparent huge pages are 'never' here)"
fi

# 4. wait-only policy: bounded per event (wall time: the waits plus 5 s of
#    start-up and work, for a loaded machine)
tree wait arm_3.10_cma_seed000
t0=$(date +%s%N)
run "$tmp/4" FRAGGUARD_PROC_ROOT="$tmp/wait" FRAGGUARD_ON_RISK=wait FRAGGUARD_MAX_WAIT_MS=200 \
  LD_PRELOAD="$so" "$h" grow 6
t1=$(date +%s%N)
ev=$(val "$tmp/4" risk_events); w=$(val "$tmp/4" wait_ms)
[ "$ev" -ge 1 ] || fail "wait: no risk event"
[ "$(val "$tmp/4" grow_failed)" = 0 ] || fail "wait: a wait-only policy refused"
[ "$w" -le $((ev * 200)) ] || fail "wait: waited $w ms over $ev events (bound 200 each)"
[ "$w" -ge 200 ] || fail "wait: waited only $w ms"
ms=$(( (t1 - t0) / 1000000 ))
[ $ms -le $((ev * 200 + 5000)) ] || fail "wait: took $ms ms for $ev events"
[ "$(val "$tmp/4" risk_accepted)" = "$ev" ] || fail "wait: risk not accepted after waiting"
echo "4 wait: $ev events, waited $w ms in total (bound 200 each), $ms ms wall"

# 5. fork on the seed-001 tree
tree fork arm_2.6.31_seed001
run "$tmp/5" FRAGGUARD_PROC_ROOT="$tmp/fork" FRAGGUARD_MAX_WAIT_MS=5 LD_PRELOAD="$so" "$h" fork
[ "$(val "$tmp/5" fork)" = -1 ] && [ "$(val "$tmp/5" fork_errno)" = 12 ] ||
  fail "fork: expected -1/ENOMEM, got $(val "$tmp/5" fork) errno $(val "$tmp/5" fork_errno)"
[ "$(val "$tmp/5" refused_fork)" = 1 ] && [ "$(val "$tmp/5" risk_pgd)" = 1 ] ||
  fail "fork: counters refused_fork=$(val "$tmp/5" refused_fork) risk_pgd=$(val "$tmp/5" risk_pgd)"
[ "$(val "$tmp/5" compactions)" = 1 ] || fail "fork: order-2 fragmentation not compacted"
run "$tmp/5b" FRAGGUARD_PROC_ROOT="$tmp/fork" FRAGGUARD_ERA=44 LD_PRELOAD="$so" "$h" fork
[ "$(val "$tmp/5b" fork)" = ok ] || fail "fork: refused under 4.4 rules"
run "$tmp/5c" FRAGGUARD_PROC_ROOT="$tmp/fork" FRAGGUARD_MAX_WAIT_MS=5 LD_PRELOAD="$so" "$h" spawn
[ "$(val "$tmp/5c" spawn)" = 12 ] || fail "spawn: posix_spawn returned $(val "$tmp/5c" spawn), expected ENOMEM"
[ "$(val "$tmp/5c" system)" = -1 ] && [ "$(val "$tmp/5c" system_errno)" = 12 ] ||
  fail "spawn: system returned $(val "$tmp/5c" system) errno $(val "$tmp/5c" system_errno)"
echo "5 fork: refused with ENOMEM (order-2 directory, pre-4.4); granted with ERA=44; posix_spawn, system refused"

# 6. mmap
tree map arm_3.10_cma_seed000
run "$tmp/6a" FRAGGUARD_PROC_ROOT="$tmp/map" FRAGGUARD_MAX_WAIT_MS=5 LD_PRELOAD="$so" "$h" mmap 64 p
[ "$(val "$tmp/6a" mmap)" = failed ] && [ "$(val "$tmp/6a" mmap_errno)" = 12 ] ||
  fail "mmap: MAP_POPULATE not refused: $(val "$tmp/6a" mmap) errno $(val "$tmp/6a" mmap_errno)"
[ "$(val "$tmp/6a" refused_mmap)" = 1 ] || fail "mmap: refused_mmap=$(val "$tmp/6a" refused_mmap)"
run "$tmp/6b" FRAGGUARD_PROC_ROOT="$tmp/map" LD_PRELOAD="$so" "$h" mmap 64 n
[ "$(val "$tmp/6b" mmap)" = ok ] || fail "mmap: PROT_NONE reservation refused"
run "$tmp/6c" FRAGGUARD_PROC_ROOT="$tmp/map" LD_PRELOAD="$so" "$h" mmap 64 r
[ "$(val "$tmp/6c" mmap)" = ok ] || fail "mmap: MAP_NORESERVE reservation refused"
[ "$(val "$tmp/6c" refused_mmap)" = 0 ] || fail "mmap: reservation counted as refused"
run "$tmp/6d" FRAGGUARD_PROC_ROOT="$tmp/ok" LD_PRELOAD="$so" "$h" mmap 64 p
[ "$(val "$tmp/6d" mmap)" = ok ] || fail "mmap: MAP_POPULATE refused on a healthy tree"
echo "6 mmap: populate refused in the CMA state; PROT_NONE and NORESERVE pass; healthy passes"

# 7. the profiles parse cleanly and turn the look on
for prof in embedded server; do
  env FRAGGUARD_CONFIG="$top/config/$prof.conf" FRAGGUARD_PROC_ROOT="$tmp/ok" LD_PRELOAD="$so" \
    "$h" grow 4 >"$tmp/7.$prof" 2>"$tmp/7.$prof.err"
  [ -s "$tmp/7.$prof.err" ] && fail "profile $prof: $(cat "$tmp/7.$prof.err")"
  [ "$(val "$tmp/7.$prof" guard_on)" = 1 ] || fail "profile $prof: guard not on"
done
echo "7 profiles: embedded and server parse cleanly"

[ $rc = 0 ] && echo "policy_fake: ok"
exit $rc
