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
