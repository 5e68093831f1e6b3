# status.t: `fragguard status --proc DIR` on the captured trees against golden
# text and JSON (tests/data/golden/status_*), the seeds' verdict numbers, and
# bad input / bad usage exit codes. Regenerate goldens with FG_REGEN=1.
cd "${FG_TOP:?}" || exit 2
cli=${FG_CLI:?}
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
"$cli" status --help >/dev/null 2>&1 || { echo "skip: status not built into $cli"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for dir in tests/data/proc/*/; do
  t=$(basename "$dir")
  for fmt in txt json; do
    g=tests/data/golden/status_$t.$fmt
    if [ $fmt = json ]; then set -- --json; else set --; fi
    "$cli" status "$@" --proc "tests/data/proc/$t" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 0 ] || { bad "$t $fmt: exit $rc"; cat "$tmp/err"; continue; }
    if [ -n "$FG_REGEN" ]; then cp "$tmp/out" "$g"; continue; fi
    [ -f "$g" ] || { bad "$t: no golden $g"; continue; }
    diff -u "$g" "$tmp/out" >"$tmp/diff" || { bad "$t $fmt differs from $g"; head -40 "$tmp/diff"; }
  done
done
g=tests/data/golden/status_arm_2.6.31_seed001_era44.txt
"$cli" status --era 44 --proc tests/data/proc/arm_2.6.31_seed001 >"$tmp/out" 2>&1 || bad "--era 44 exit"
if [ -n "$FG_REGEN" ]; then cp "$tmp/out" "$g"; else diff -u "$g" "$tmp/out" || bad "--era 44 differs"; fi

# The seeds' numbers, independent of layout.
out=$("$cli" status --proc tests/data/proc/arm_2.6.31_seed001)
echo "$out" | grep -q 'fork page directory  order 2 Unmovable    FAIL' || bad "seed 001: pgd not FAIL"
echo "$out" | grep -q '133 <= min/4 = 162: margin -29' || bad "seed 001: Normal 133 <= 162"
echo "$out" | grep -q '97 <= min/4 = 97: margin 0' || bad "seed 001: DMA 97 <= 97"
echo "$out" | grep -q 'a 4.4+ kernel would grant it' || bad "seed 001: 4.4 note"
out=$("$cli" status --proc tests/data/proc/arm_3.10_cma_seed000)
echo "$out" | grep -q 'usable -110 pages (free 28909 - CMA 29019) <= min 499' || bad "seed 000: CMA numbers"
echo "$out" | grep -q 'only movable allocations may use' || bad "seed 000: CMA note"
"$cli" status --json --proc tests/data/proc/arm_3.10_cma_seed000 | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = [x for x in d["requests"] if x["kind"] == "pagetable"][0]
assert r["status"] == "FAIL", r
z = r["zones"][0]
assert (z["lhs"], z["rhs"], z["margin"], z["cma_excluded"]) == (-110, 499, -609, 29019), z
assert d["era"] == "pre44"
' 2>"$tmp/py" || { command -v python3 >/dev/null && { bad "seed 000 json"; cat "$tmp/py"; }; }

# Bad input: a clear message and exit 1, never a crash.
"$cli" status --proc /nonexistent/x >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "missing dir: exit $rc"
grep -qx "fragguard: cannot read '/nonexistent/x/zoneinfo': No such file or directory" "$tmp/err" || { bad "missing dir message"; cat "$tmp/err"; }
mkdir -p "$tmp/garbage"
printf 'Node 0, zone DMA\n  pages free 12\n' >"$tmp/garbage/zoneinfo"
printf 'this is not buddyinfo\n' >"$tmp/garbage/buddyinfo"
"$cli" status --proc "$tmp/garbage" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "garbage buddyinfo: exit $rc"
grep -q "fragguard: cannot parse '$tmp/garbage/buddyinfo' at line 1" "$tmp/err" || { bad "garbage message"; cat "$tmp/err"; }
head -c 3000 /dev/urandom >"$tmp/garbage/zoneinfo"
"$cli" status --proc "$tmp/garbage" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || bad "random zoneinfo: exit $rc"
# Optional files missing: still works.
mkdir -p "$tmp/min"
cp tests/data/proc/arm_2.6.31_seed001/zoneinfo tests/data/proc/arm_2.6.31_seed001/buddyinfo "$tmp/min/"
"$cli" status --proc "$tmp/min" >"$tmp/out" 2>&1 || bad "minimal tree failed"
grep -q 'kernel release unknown' "$tmp/out" || bad "minimal tree: era note"
grep -q 'vmstat unavailable' "$tmp/out" || bad "minimal tree: vmstat note"

# One of zoneinfo and buddyinfo is enough (real captures from before 2.6.13
# have no zoneinfo; many posts quote zoneinfo alone): one line naming the
# missing file, exit 0, and what cannot be known said as such.
"$cli" status --proc tests/data/proc/x86_64_5.6_numa2_movable_zoneinfo_only >"$tmp/out" 2>"$tmp/err" ||
  bad "zoneinfo only: exit $?"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "cannot read '.*/buddyinfo'.*only order-0" "$tmp/err" ||
  { bad "zoneinfo only: message"; cat "$tmp/err"; }
grep -q '2 MiB huge page      order 9 Movable      UNKNOWN  the watermarks pass in Movable' "$tmp/out" ||
  bad "zoneinfo only: huge page not UNKNOWN"
grep -q 'page-table page      order 0 Unmovable    OK     from Normal' "$tmp/out" ||
  bad "zoneinfo only: page-table verdict"
"$cli" status --proc tests/data/proc/x86_2.6.8_highmem_buddyinfo_only >"$tmp/out" 2>"$tmp/err" ||
  bad "buddyinfo only: exit $?"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { bad "buddyinfo only: expected one stderr line"; cat "$tmp/err"; }
grep -q 'Normal   all            42  18994   3271' "$tmp/out" || bad "buddyinfo only: blocks table"
grep -q 'no zoneinfo: without the watermarks' "$tmp/out" || bad "buddyinfo only: no verdict note"
# A zoneinfo cut short (Normal only in buddyinfo): warned, marked unknown in
# the table and null in the JSON; the verdicts come from the zones known.
mkdir -p "$tmp/cut"
cp tests/data/proc/live_x86_64_6.18/buddyinfo "$tmp/cut/"
awk '/zone +Normal/ {exit} {print}' tests/data/proc/live_x86_64_6.18/zoneinfo >"$tmp/cut/zoneinfo"
"$cli" status --proc "$tmp/cut" >"$tmp/out" 2>"$tmp/err" || bad "cut zoneinfo: exit $?"
grep -q "node 0 zone Normal is in .*buddyinfo but not in its zoneinfo" "$tmp/err" || { bad "cut zoneinfo: warning"; cat "$tmp/err"; }
grep -q 'Normal     (not in zoneinfo: watermarks unknown)' "$tmp/out" || bad "cut zoneinfo: table"
grep -q 'this kernel does not report managed' "$tmp/out" && bad "cut zoneinfo: false 'no managed' note"
"$cli" status --json --proc "$tmp/cut" 2>/dev/null | jq -e '[.zones[] | select(.zone == "Normal")][0] | .min == null and .free_pages == null' >/dev/null ||
  bad "cut zoneinfo: JSON gives numbers for the zone not in zoneinfo"
"$cli" status --json --proc tests/data/proc/x86_64_5.6_numa2_movable_zoneinfo_only 2>/dev/null |
  jq -e '[.requests[] | select(.kind == "thp")][0] | .status == "UNKNOWN" and .granted_44 == null and ([.zones[] | select(.zone == "Movable")][0] | .granted == null and (.unknown | index("free_blocks")))' >/dev/null ||
  bad "zoneinfo only: JSON for the huge page is not unknown"
# Counters the kernel printed with %lu after they went below zero: read,
# not refused (spanned from a real 3.x hotplug bug; a wrapped buddy count).
mkdir -p "$tmp/wrap"
sed 's/^\( *spanned  *\).*/\118446744073709518848/' tests/data/proc/live_x86_64_6.18/zoneinfo >"$tmp/wrap/zoneinfo"
sed '1s/^\(Node 0, zone *DMA *\)[0-9]*/\118446744073709551615/' tests/data/proc/live_x86_64_6.18/buddyinfo >"$tmp/wrap/buddyinfo"
grep -q 18446744073709551615 "$tmp/wrap/buddyinfo" || bad "wrap: test data not made"
"$cli" status --proc "$tmp/wrap" >"$tmp/out" 2>"$tmp/err" || { bad "wrapped counters: exit $?"; cat "$tmp/err"; }
grep -q "zone DMA: a free-block count in buddyinfo is beyond 2^63" "$tmp/err" || { bad "wrap: warning"; cat "$tmp/err"; }
# No release: the zoneinfo layout decides the era (no 'managed' before 3.8).
mkdir -p "$tmp/old"
cp tests/data/proc/x86_2.6.24_highmem/zoneinfo tests/data/proc/x86_2.6.24_highmem/buddyinfo "$tmp/old/"
"$cli" status --proc "$tmp/old" >"$tmp/out" 2>&1 || bad "old layout: exit"
grep -q "up to 4.3.*no 'managed' lines, so the kernel is older than 3.8" "$tmp/out" || { bad "old layout: era"; head -3 "$tmp/out"; }
"$cli" status --json --proc "$tmp/old" 2>/dev/null | jq -e '.era == "pre44" and .era_source == "zoneinfo"' >/dev/null || bad "old layout: JSON era_source"
# A zoneinfo quoted without present/spanned lines proves no era.
grep -v 'present\|spanned' "$tmp/old/zoneinfo" >"$tmp/old/z2" && mv "$tmp/old/z2" "$tmp/old/zoneinfo"
"$cli" status --proc "$tmp/old" 2>&1 | grep -q 'kernel release unknown: assumed' || bad "partial zoneinfo: era should stay assumed"

# The huge page is the PMD: 512 MiB (order 13) on arm64 with 64 KiB pages,
# as meminfo's Hugepagesize says in a captured tree.
mkdir -p "$tmp/a64/sys/kernel"
cp tests/data/proc/live_x86_64_6.18/zoneinfo tests/data/proc/live_x86_64_6.18/buddyinfo "$tmp/a64/"
printf 'MemTotal:       8388608 kB\nHugepagesize:     524288 kB\n' >"$tmp/a64/meminfo"
echo aarch64 >"$tmp/a64/sys/kernel/arch"
"$cli" status --proc "$tmp/a64" 2>/dev/null | grep -q '512 MiB huge page    order 13 Movable' ||
  bad "arm64 64 KiB pages: huge page not 512 MiB order 13"

# Bad usage: exit 2.
for args in "--bogus" "--era 5.0" "--interval 0" "--watch=-1" "extra" "--proc"; do
  "$cli" status $args >/dev/null 2>&1; rc=$?
  [ $rc -eq 2 ] || bad "usage '$args': exit $rc"
done
"$cli" status --help | grep -q 'usage: fragguard status' || bad "--help"

# The live machine, when it has /proc/zoneinfo: runs, JSON parses.
if [ -r /proc/zoneinfo ]; then
  "$cli" status --interval 100 >"$tmp/out" 2>"$tmp/err" || { bad "live status"; cat "$tmp/err"; }
  "$cli" status --json --interval 100 >"$tmp/out" 2>"$tmp/err" || bad "live json"
  command -v python3 >/dev/null && { python3 -m json.tool "$tmp/out" >/dev/null || bad "live json invalid"; }
fi
[ $fail -eq 0 ] && echo "status: all checks passed"
exit $fail
