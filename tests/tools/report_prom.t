# report_prom.t: `fragguard report --prometheus` is valid under
# `promtool check metrics` (Debian's prometheus package), with fragguard_*
# names, _total counters, program labels (never pid), HELP and TYPE lines;
# -o writes it atomically for the node_exporter textfile collector.
cd "${FG_TOP:?}" || exit 2
cli=${FG_CLI:?}
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
data=tests/data/reports

"$cli" report --prometheus -o "$tmp/fragguard.prom" $data/basic $data/bad 2>/dev/null || bad "exit"
f=$tmp/fragguard.prom
[ "$(ls "$tmp")" = fragguard.prom ] || bad "-o left: $(ls "$tmp")"
grep -v '^#' "$f" | grep -v '^fragguard_[a-z_]*\({program="[^"]*"}\)\? [0-9.e+-]*$' && bad "a sample line is malformed"
grep -q 'pid=' "$f" && bad "labels by pid"
grep '^# TYPE .* counter$' "$f" | grep -v '_total counter$' && bad "a counter without _total"
grep '^# TYPE .* gauge$' "$f" | grep '_total gauge$' && bad "a gauge ending in _total"
for m in $(grep -v '^#' "$f" | sed 's/[{ ].*//' | sort -u); do
  grep -q "^# HELP $m " "$f" || bad "no HELP for $m"
  grep -q "^# TYPE $m " "$f" || bad "no TYPE for $m"
done
grep -qx 'fragguard_processes{program="python3"} 2' "$f" || bad "python3 processes"
grep -qx 'fragguard_minor_faults_total{program="memcached"} 9100' "$f" || bad "memcached faults"
grep -qx 'fragguard_stall_seconds_total{program="memcached"} 1.84' "$f" || bad "stall seconds"
grep -qx 'fragguard_page_table_bytes{program="python3"} 159744' "$f" || bad "page tables"
grep -q 'fragguard_page_table_bytes{program="sh"}' "$f" && bad "unknown VmPTE exported as a value"
grep -qx 'fragguard_report_files_skipped 5' "$f" || bad "skipped files"

if command -v promtool >/dev/null; then
  promtool check metrics <"$f" >"$tmp/out" 2>&1 || { bad "promtool check metrics"; cat "$tmp/out"; }
  # Hostile program names still make valid label values.
  mkdir -p "$tmp/odd"
  sed 's/"program": "python3"/"program": "a\\"b\\\\c\\nd"/' $data/basic/python3.4242.json >"$tmp/odd/x.json"
  "$cli" report --prometheus "$tmp/odd" >"$tmp/odd.prom" || bad "odd name exit"
  promtool check metrics <"$tmp/odd.prom" >"$tmp/out" 2>&1 || { bad "promtool on an odd name"; cat "$tmp/out"; }
  [ $fail -eq 0 ] && echo "report_prom: all checks passed (promtool too)"
  exit $fail
fi
[ $fail -eq 0 ] || exit 1
echo "skip: promtool not installed (Debian package prometheus; 'sudo make deps'); format checks passed"
exit 77
