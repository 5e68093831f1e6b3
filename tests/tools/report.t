# report.t: `fragguard report` on the fixture reports (tests/data/reports,
# made by make.py) against golden text and JSON (tests/data/golden/report/),
# sorting, filtering, --top, call-site symbols resolved from the module, bad
# inputs (truncated, foreign, newer schema, empty, unreadable, no reports) and
# bad usage. Regenerate goldens with FG_REGEN=1.
cd "${FG_TOP:?}" || exit 2
cli=${FG_CLI:?}
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
"$cli" report --help >/dev/null 2>&1 || { echo "skip: report not built into $cli"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
data=tests/data/reports
gold=tests/data/golden/report

check_golden() { # name, args...
  g=$gold/$1; shift
  "$cli" report "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ $rc -eq 0 ] || { bad "$g: exit $rc"; cat "$tmp/err"; return; }
  if [ -n "$FG_REGEN" ]; then mkdir -p "$gold"; cp "$tmp/out" "$g"; return; fi
  [ -f "$g" ] || { bad "no golden $g"; return; }
  diff -u "$g" "$tmp/out" >"$tmp/diff" || { bad "output differs from $g"; head -40 "$tmp/diff"; }
}
check_golden basic.txt $data/basic
check_golden basic_top3.txt --top 3 $data/basic
check_golden basic_sort_faults.txt --sort faults $data/basic
check_golden basic.json --json --top 3 $data/basic

# The numbers, independent of layout.
out=$("$cli" report $data/basic)
echo "$out" | grep -q '^   3100  memcached .* 4/9/1 ' || bad "memcached compactions/waits/refusals"
echo "$out" | grep -q 'slabs_alloc (memcached)' || bad "operator new not skipped for the caller"
echo "$out" | grep -q '^  total  python3 (2) ' || bad "no python3 total row"
echo "$out" | grep -q 'shim disabled' || bad "disabled shim not shown"
echo "$out" | grep -q '^4 processes, 3 programs' || bad "summary line"
"$cli" report --json $data/basic | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["reports"] == 4 and d["skipped"] == 0, d
t = d["total"]
assert t["minor_faults"] == 9100 + 1480 + 220 + 150, t
assert t["page_table_bytes"] == 348160 + 122880 + 36864, t
assert t["peak_rss_bytes"] == 90 << 20, t
py = [p for p in d["programs"] if p["program"] == "python3"][0]
assert py["count"] == 2 and [p["pid"] for p in py["processes"]] == [4242, 4250], py
assert py["processes"][0]["sites"][0]["function"] == "PyObject_Malloc"
sh = [p for p in d["programs"] if p["program"] == "sh"][0]["processes"][0]
assert sh["page_table_bytes"] is None and sh["huge_page_percent"] is None and not sh["shim_active"], sh
' 2>"$tmp/py" || { command -v python3 >/dev/null && { bad "json numbers"; cat "$tmp/py"; }; }

# Sorting and filtering.
"$cli" report --sort pagetables $data/basic | awk '$1 ~ /^[0-9]+$/ && $2 !~ /^process/ {print $1}' | head -1 >"$tmp/o"
[ "$(cat "$tmp/o")" = 3100 ] || bad "--sort pagetables: first row $(cat "$tmp/o")"
"$cli" report --sort pid $data/basic | awk '$1 ~ /^[0-9]+$/ && $2 !~ /^process/ {print $1}' | tr '\n' ' ' >"$tmp/o"
[ "$(cat "$tmp/o")" = "3100 4242 4250 4200 " ] || bad "--sort pid: $(cat "$tmp/o")"
out=$("$cli" report --program python3 $data/basic)
echo "$out" | grep -q memcached && bad "--program python3 shows memcached"
echo "$out" | grep -q '^2 processes, 1 program' || bad "--program python3 summary"
out=$("$cli" report --program python3.11 --program sh $data/basic)
echo "$out" | grep -q '^3 processes, 2 programs' || bad "--program by exe name and repeated"
"$cli" report --program nosuch $data/basic >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "--program nosuch: exit $rc"
"$cli" report --top 0 $data/basic | grep -q 'CALL SITE' && bad "--top 0 shows call sites"

# A frame without a symbol is resolved from the module's own symbol table.
if command -v nm >/dev/null; then
  off=$(nm "$cli" | awk '$3 == "cmd_report" {print $1}' | sed 's/^0*//')
  if [ -n "$off" ]; then
    mkdir -p "$tmp/sym"
    sed -e "s|\"symbol\": \"PyObject_Malloc\"|\"symbol\": null|" \
        -e "s|\"module\": \"/fixture/usr/lib/aarch64-linux-gnu/libpython3.11.so.1.0\",\\(.*\\)|\"module\": \"$cli\",\\1|" \
        -e "s|\"offset\": \"0x1a2b30\"|\"offset\": \"0x$off\"|" \
        $data/basic/python3.4250.json >"$tmp/sym/p.json"
    "$cli" report "$tmp/sym" | grep -q 'cmd_report (fragguard)' ||
      { bad "symbol not resolved from $cli"; "$cli" report "$tmp/sym"; }
  fi
fi

# No path: the directory of FRAGGUARD_REPORT (a directory or a pattern).
FRAGGUARD_REPORT="$FG_TOP/$data/basic/%e.%p.json" "$cli" report | grep -q '^4 processes' || bad "FRAGGUARD_REPORT pattern as default"
FRAGGUARD_REPORT="$FG_TOP/$data/basic" "$cli" report | grep -q '^4 processes' || bad "FRAGGUARD_REPORT directory as default"
(cd $data/basic && FRAGGUARD_REPORT= "$cli" report) | grep -q '^4 processes' || bad "current directory as default"

# Bad inputs: each skipped with one warning naming it; the good one still summarised.
"$cli" report $data/bad >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || bad "bad dir: exit $rc"
[ "$(wc -l <"$tmp/err")" -eq 5 ] || { bad "bad dir: expected 5 warnings"; cat "$tmp/err"; }
for f in truncated foreign newer empty notjson; do
  [ "$(grep -c "'$data/bad/$f.json'" "$tmp/err")" -eq 1 ] || bad "no single warning for $f.json"
done
grep -q "skipping '$data/bad/truncated.json': truncated JSON" "$tmp/err" || bad "truncated wording"
grep -q "skipping '$data/bad/foreign.json': not a fragguard report" "$tmp/err" || bad "foreign wording"
grep -q "skipping '$data/bad/newer.json': report schema 2" "$tmp/err" || bad "newer wording"
grep -q '^   5002  good ' "$tmp/out" || bad "good report not summarised beside bad ones"
grep -q '5 files skipped' "$tmp/out" || bad "skipped count"

# No reports: exit 1 with a message.
mkdir -p "$tmp/empty/sub"
: >"$tmp/empty/notes.txt"
"$cli" report "$tmp/empty" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "empty dir: exit $rc"
grep -qx "fragguard: no reports in '$tmp/empty'" "$tmp/err" || { bad "empty dir message"; cat "$tmp/err"; }
# Missing and unreadable paths: a message, exit 1, the rest still summarised.
"$cli" report "$tmp/nonexistent.json" $data/basic >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "missing file: exit $rc"
grep -qx "fragguard: cannot read '$tmp/nonexistent.json': No such file or directory" "$tmp/err" ||
  { bad "missing file message"; cat "$tmp/err"; }
grep -q '^4 processes' "$tmp/out" || bad "missing file stopped the others"
mkdir -p "$tmp/unr"
cp $data/basic/sh.4200.json "$tmp/unr/"
ln -s "$tmp/unr/gone" "$tmp/unr/dangling.json"
mkfifo "$tmp/fifo.json"
if [ "$(id -u)" != 0 ]; then
  cp $data/basic/sh.4200.json "$tmp/unr/locked.json"; chmod 000 "$tmp/unr/locked.json"
fi
"$cli" report "$tmp/unr" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "unreadable: exit $rc"
grep -qx "fragguard: cannot read '$tmp/unr/dangling.json': No such file or directory" "$tmp/err" ||
  { bad "dangling symlink message"; cat "$tmp/err"; }
if [ "$(id -u)" != 0 ]; then
  grep -q "cannot read '$tmp/unr/locked.json': Permission denied" "$tmp/err" || bad "chmod 000 message"
fi
grep -q '^   4200  sh ' "$tmp/out" || bad "unreadable file stopped the others"
"$cli" report "$tmp/fifo.json" $data/basic >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "fifo: exit $rc"
grep -qx "fragguard: cannot read '$tmp/fifo.json': not a regular file" "$tmp/err" || { bad "fifo message"; cat "$tmp/err"; }

# -o is atomic and equals stdout; no temporary file is left.
mkdir -p "$tmp/od"
"$cli" report --json -o "$tmp/od/sum.json" $data/basic || bad "-o exit"
"$cli" report --json $data/basic | cmp -s - "$tmp/od/sum.json" || bad "-o differs from stdout"
[ "$(ls "$tmp/od")" = sum.json ] || bad "-o left: $(ls "$tmp/od")"
"$cli" report -o /nonexistent/dir/x $data/basic 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || bad "-o into missing dir: exit $rc"
grep -q "fragguard: cannot write '/nonexistent/dir/x'" "$tmp/err" || bad "-o failure message"

# Bad usage: exit 2.
for args in "--bogus" "--sort nosuch" "--top -1" "--top 99" "--top x" "--json --prometheus" "-o" "--sort"; do
  "$cli" report $data/basic $args >/dev/null 2>&1; rc=$?
  [ $rc -eq 2 ] || bad "usage '$args': exit $rc"
done
"$cli" report --help | grep -q 'usage: fragguard report' || bad "--help"

[ $fail -eq 0 ] && echo "report: all checks passed"
exit $fail
