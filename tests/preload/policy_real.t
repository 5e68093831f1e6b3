#!/bin/sh
# policy_real.t: a real compaction triggered by the policy, seen in
# /proc/vmstat, and the same program as an unprivileged user, which never
# tries and says so once. Needs root and a writable compact_memory.
# The machine itself is rarely fragmented enough on demand, so the shim reads
# a view (FRAGGUARD_PROC_ROOT) whose buddyinfo is the live one with every
# free block of order >= 9 taken out; zoneinfo, vmstat and sys/ are the live
# files (symlinks), so the compaction the policy asks for is the kernel's own.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
h=$B/tests/helpers/fgguard
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
[ -x "$h" ] || { echo "helper not built: $h"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root (writes /proc/sys/vm/compact_memory)"; exit 77; }
[ -w /proc/sys/vm/compact_memory ] || { echo "/proc/sys/vm/compact_memory not writable here"; exit 77; }
grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null &&
  { echo "transparent huge pages are 'never': no huge-page need to compact for"; exit 77; }
command -v setpriv >/dev/null || { echo "setpriv not installed (util-linux)"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
rc=0
fail() { echo "FAIL: $*"; rc=1; }
val() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
scanned() { sed -n 's/^compact_migrate_scanned //p' /proc/vmstat; }

v=$tmp/view
mkdir -p "$v"
ln -s /proc/sys "$v/sys"
ln -s /proc/vmstat "$v/vmstat"
ln -s /proc/zoneinfo "$v/zoneinfo"
awk '{ for (i = 14; i <= NF; i++) $i = 0; print }' /proc/buddyinfo > "$v/buddyinfo"
chmod -R a+rX "$v"
# the shim and helper must be readable by nobody
if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$so" -a -x "$h"; then
  cp "$so" "$tmp/lib.so"; cp "$h" "$tmp/fgguard"; chmod 755 "$tmp/lib.so" "$tmp/fgguard"
  so=$tmp/lib.so; h=$tmp/fgguard
fi

s0=$(scanned)
env FRAGGUARD_PROC_ROOT="$v" FRAGGUARD_COMPACT_INTERVAL_MS=60000 FRAGGUARD_ON_RISK=compact,fallback,refuse \
  FRAGGUARD_VERBOSE=1 LD_PRELOAD="$so" "$h" grow 8 >"$tmp/root" 2>"$tmp/root.err" || fail "root run exited $?"
s1=$(scanned)
[ "$(val "$tmp/root" grow_failed)" = 0 ] || fail "root: mallocs failed"
[ "$(val "$tmp/root" compactions)" = 1 ] || fail "root: compactions=$(val "$tmp/root" compactions), expected 1 (then rate-limited)"
[ "$(val "$tmp/root" compactions_skipped)" -ge 1 ] || fail "root: later chunks were not rate-limited"
[ "$(val "$tmp/root" fallbacks)" -ge 1 ] || fail "root: no fallback while the view stays fragmented"
[ "$s1" -gt "$s0" ] || fail "root: /proc/vmstat compact_migrate_scanned did not grow ($s0 -> $s1)"
[ -s "$v/compact.stamp" ] || fail "root: no shared stamp written"
echo "root: 1 compaction by policy, compact_migrate_scanned $s0 -> $s1, $(val "$tmp/root" compactions_skipped) later ones rate-limited, $(val "$tmp/root" fallbacks) fallbacks"

# a second process within the interval: the shared stamp holds it back
env FRAGGUARD_PROC_ROOT="$v" FRAGGUARD_COMPACT_INTERVAL_MS=60000 FRAGGUARD_ON_RISK=compact,fallback,refuse \
  LD_PRELOAD="$so" "$h" grow 4 >"$tmp/root2" 2>&1 || fail "second root run exited $?"
[ "$(val "$tmp/root2" compactions)" = 0 ] || fail "second process compacted within the shared interval"
[ "$(val "$tmp/root2" compactions_skipped)" -ge 1 ] || fail "second process: no compaction skipped"
echo "second process: held back by the shared stamp"

s2=$(scanned)
setpriv --reuid=nobody --regid=nogroup --clear-groups env FRAGGUARD_PROC_ROOT="$v" \
  FRAGGUARD_COMPACT_INTERVAL_MS=0 LD_PRELOAD="$so" "$h" grow 16 >"$tmp/user" 2>"$tmp/user.err" ||
  fail "unprivileged run exited $?"
s3=$(scanned)
[ "$(val "$tmp/user" grow_failed)" = 0 ] || fail "unprivileged: mallocs failed"
[ "$(val "$tmp/user" compactions)" = 0 ] || fail "unprivileged: compacted"
[ "$(val "$tmp/user" compact_denied)" = 1 ] || fail "unprivileged: compaction not found denied"
[ "$(val "$tmp/user" fallbacks)" -ge 2 ] || fail "unprivileged: no fallbacks"
n=$(grep -c 'not writable' "$tmp/user.err")
[ "$n" = 1 ] || fail "unprivileged: said it $n times (expected once): $(cat "$tmp/user.err")"
[ "$s3" = "$s2" ] || echo "note: compact_migrate_scanned moved $s2 -> $s3 (someone else compacted)"
echo "unprivileged: never compacted, said once: $(grep 'not writable' "$tmp/user.err")"
[ $rc = 0 ] && echo "policy_real: ok"
exit $rc
