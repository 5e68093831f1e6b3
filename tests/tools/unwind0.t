#!/bin/sh
# unwind0.t: `make UNWIND=0` (a C library without backtrace(): musl) builds
# a shim that does not unwind, runs a program, and says in its report why
# there are no call sites ("callsites": "unwinder" none, "status" "absent:
# built without an unwinder"); `fragguard report` shows that in the call-site column
# instead of an empty one. The shim is built -O0 into a build directory of
# its own, so this takes seconds.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
cli=${FG_CLI:-$B/fragguard}
prog=$B/tests/helpers/reportee
[ -x "$cli" ] || { echo "fragguard not built: $cli"; exit 77; }
[ -x "$prog" ] || { echo "reportee not built: $prog"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }

so=$tmp/b/libfragguard.so
make --no-print-directory -C "$top" B="$tmp/b" UNWIND=0 CFLAGS=-O0 "$so" >"$tmp/make.log" 2>&1 ||
  { tail -n 20 "$tmp/make.log"; echo "FAIL: make UNWIND=0 failed"; exit 1; }
grep -q -- '-DFG_UNWIND=0' "$tmp/b/flags" || fail "the build did not record UNWIND=0"
if command -v nm >/dev/null; then
  nm -D "$so" | grep -qw 'backtrace' && fail "the UNWIND=0 shim still calls backtrace()"
fi

mkdir "$tmp/rep"
FRAGGUARD_REPORT="$tmp/rep" LD_PRELOAD="$so" "$prog" grow 8 >/dev/null 2>"$tmp/err" ||
  fail "reportee under the UNWIND=0 shim exited $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "the UNWIND=0 shim said: $(cat "$tmp/err")"
python3 - "$tmp/rep" <<'PY' || rc=1
import glob, json, sys
files = glob.glob(sys.argv[1] + "/reportee.*.json")
assert len(files) == 1, "reports: %r" % files
cs = json.load(open(files[0]))["callsites"]
bad = []
if cs.get("enabled") is not False: bad.append("enabled %r" % cs.get("enabled"))
if cs.get("unwinder") != "none": bad.append("unwinder %r" % cs.get("unwinder"))
if cs.get("status") != "absent: built without an unwinder": bad.append("status %r" % cs.get("status"))
if cs.get("by_bytes") or cs.get("by_chunks") or cs.get("samples"): bad.append("sites in %r" % cs)
for b in bad: print("FAIL: report callsites: " + b)
sys.exit(1 if bad else 0)
PY

"$cli" report "$tmp/rep" >"$tmp/text" 2>&1 || fail "fragguard report exited $?: $(cat "$tmp/text")"
grep '^ *[0-9]' "$tmp/text" | grep -q 'reportee.*- (absent: built without an unwinder)' ||
  { fail "fragguard report does not say why there are no call sites:"; cat "$tmp/text"; }
"$cli" report --json "$tmp/rep" >"$tmp/json" 2>&1 || fail "fragguard report --json exited $?"
grep -q '"sites_status": "absent: built without an unwinder"' "$tmp/json" ||
  fail "fragguard report --json has no sites_status"

[ $rc = 0 ] && echo "unwind0: ok (report and fragguard report say: absent: built without an unwinder)"
exit $rc
