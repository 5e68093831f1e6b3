# run.t: `fragguard run`: the command runs with the shim preloaded and
# FRAGGUARD_REPORT / FRAGGUARD_CONFIG set, its exit status is preserved (3 ->
# 3; killed by SIGTERM -> 143), SIGTERM sent to fragguard reaches it, a
# missing command is 127, the summary of the process tree is printed, and it
# works with real programs (sh, python3). Bad usage exits 2.
cd "${FG_TOP:?}" || exit 2
cli=${FG_CLI:?}
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
"$cli" run --help >/dev/null 2>&1 || { echo "skip: run not built into $cli"; exit 77; }
[ -f "${FG_SO:?}" ] || { echo "skip: $FG_SO not built"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
# Without --report the reports go to a new directory under $TMPDIR.
mkdir "$tmp/t" && export TMPDIR="$tmp/t"

# The environment the command sees.
"$cli" run -q --report "$tmp/r0" -- sh -c 'echo "$LD_PRELOAD"; echo "$FRAGGUARD_REPORT"; echo "${FRAGGUARD_CONFIG-unset}"' >"$tmp/env" 2>"$tmp/err" ||
  { bad "env run failed"; cat "$tmp/err"; }
so=$(cd "$(dirname "$FG_SO")" && pwd)/libfragguard.so
[ "$(sed -n 1p "$tmp/env")" = "$so" ] || bad "LD_PRELOAD: $(sed -n 1p "$tmp/env") != $so"
[ "$(sed -n 2p "$tmp/env")" = "$tmp/r0/%e.%p.json" ] || bad "FRAGGUARD_REPORT: $(sed -n 2p "$tmp/env")"
[ "$(sed -n 3p "$tmp/env")" = unset ] || bad "FRAGGUARD_CONFIG set without --profile"
[ -s "$tmp/err" ] && { bad "-q printed"; cat "$tmp/err"; }
LD_PRELOAD=/nonexistent/other.so "$cli" run -- sh -c 'echo "$LD_PRELOAD"' >"$tmp/env" 2>/dev/null
ls "$tmp"/t/fragguard-run.*/*.json >/dev/null 2>&1 || bad "no report in \$TMPDIR/fragguard-run.*"
rm -rf "$tmp"/t/*
[ "$(cat "$tmp/env")" = "$so:/nonexistent/other.so" ] || bad "existing LD_PRELOAD not kept after the shim: $(cat "$tmp/env")"
"$cli" run -q --profile default -- sh -c 'echo "$FRAGGUARD_CONFIG"' >"$tmp/env" 2>"$tmp/err"
[ "$(cat "$tmp/env")" = "$FG_TOP/config/default.conf" ] || { bad "--profile default: $(cat "$tmp/env")"; cat "$tmp/err"; }
"$cli" run -q --profile nosuch -- true 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || bad "--profile nosuch: exit $rc"
grep -q "fragguard: no profile 'nosuch'" "$tmp/err" || { bad "--profile nosuch message"; cat "$tmp/err"; }
# CMD's own options are not fragguard's.
"$cli" run -q sh -c 'exit 0' --report x || bad "options after CMD were taken by fragguard"

# Exit status, signals.
"$cli" run -q -- sh -c 'exit 3'; rc=$?
[ $rc -eq 3 ] || bad "exit 3 gave $rc"
# -q without --report: nobody would read the reports: none, no directory,
# and no message from a child still running after the command ended.
"$cli" run -q -- sh -c '(sleep 0.3; ls / >/dev/null) & sleep 0.1' 2>"$tmp/err"; sleep 0.5
[ -s "$tmp/err" ] && bad "-q with a background child printed: $(cat "$tmp/err")"
[ -z "$(ls -A "$tmp/t")" ] || bad "-q made a temporary directory: $(ls -A "$tmp/t")"
"$cli" run --report "$tmp/r1" -- sh -c 'kill -TERM $$' 2>"$tmp/err"; rc=$?
[ $rc -eq 143 ] || bad "killed by SIGTERM gave $rc"
grep -q "fragguard: 'sh' was killed by signal 15 (Terminated)" "$tmp/err" || { bad "signal message"; cat "$tmp/err"; }
# SIGTERM sent to fragguard reaches the command (which reports it).
# The signal goes once the trap is set (the command creates a file then).
"$cli" run -q -- sh -c 'trap "echo got-term; exit 7" TERM; : >"$1"; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; exit 9' sh "$tmp/ready" >"$tmp/out" 2>&1 &
pid=$!
i=0; while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
kill -TERM $pid
wait $pid; rc=$?
[ $rc -eq 7 ] || bad "SIGTERM forwarding: exit $rc (want 7 from the trap)"
grep -q got-term "$tmp/out" || bad "SIGTERM forwarding: trap did not run"
# SIGINT likewise; a command that does not catch it dies of it: 130.
# (env --default-signal: a background job starts with SIGINT ignored.)
if env --default-signal=INT true 2>/dev/null; then
  env --default-signal=INT "$cli" run -q -- sleep 5 2>/dev/null &
  pid=$!
  sleep 0.5
  kill -INT $pid
  wait $pid; rc=$?
  [ $rc -eq 130 ] || bad "SIGINT forwarding: exit $rc (want 130)"
fi
"$cli" run -q -- /nonexistent/cmd 2>"$tmp/err"; rc=$?
[ $rc -eq 127 ] || bad "missing command: exit $rc"
grep -qx "fragguard: cannot run '/nonexistent/cmd': No such file or directory" "$tmp/err" || { bad "missing command message"; cat "$tmp/err"; }
: >"$tmp/noexec"
"$cli" run -q -- "$tmp/noexec" 2>/dev/null; rc=$?
[ $rc -eq 126 ] || bad "not executable: exit $rc"

# The summary: every process of the tree (sh and its children) that wrote a report.
"$cli" run --report "$tmp/r2" -- sh -c 'ls / >/dev/null; cat /dev/null; true' >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || { bad "sh run: exit $rc"; cat "$tmp/err"; }
n=$(ls "$tmp/r2" | grep -c '\.json$')
if [ "$n" -eq 0 ]; then
  echo "note: the shim wrote no report (report writer not built?); summary checks limited"
  grep -q 'no report was written' "$tmp/err" || bad "no-report message"
else
  grep -q "summary of 'sh' and the programs it started (reports in $tmp/r2)" "$tmp/err" || bad "summary heading"
  grep -q '  PID  PROGRAM' "$tmp/err" || { bad "no table"; cat "$tmp/err"; }
  for p in ls cat; do
    ls "$tmp/r2" | grep -q "^$p\.[0-9]*\.json$" || bad "no report from $p"
    grep -q "^ *[0-9]*  $p " "$tmp/err" || bad "$p not in the summary"
  done
  grep -q "More: fragguard report --html report.html $tmp/r2" "$tmp/err" || bad "hint line"
  # A second run into the same directory summarises only its own reports.
  sleep 0.1
  "$cli" run --report "$tmp/r2" -- true 2>"$tmp/err2"
  grep -q "^ *[0-9]*  ls " "$tmp/err2" && bad "old reports summarised again"
fi

# A real program: python3 allocating, its report read back.
if command -v python3 >/dev/null; then
  "$cli" run --report "$tmp/r3" -- python3 -c 'x = [bytearray(100) for i in range(200000)]; print(len(x))' >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ $rc -eq 0 ] || { bad "python3 run: exit $rc"; cat "$tmp/err"; }
  [ "$(cat "$tmp/out")" = 200000 ] || bad "python3 stdout: $(cat "$tmp/out")"
  if ls "$tmp/r3" | grep -q '^python3.*\.json$'; then
    grep -q '  python3' "$tmp/err" || { bad "python3 not in summary"; cat "$tmp/err"; }
    "$cli" report --json "$tmp/r3" >"$tmp/j" || bad "report of the python3 run"
  fi
fi

# Bad usage: exit 2.
for args in "" "--bogus -- true" "--report" "--profile"; do
  "$cli" run $args >/dev/null 2>&1; rc=$?
  [ $rc -eq 2 ] || bad "usage '$args': exit $rc"
done
"$cli" run --help | grep -q 'ld.so.preload' || bad "--help does not warn about /etc/ld.so.preload"
"$cli" run --help | grep -q "PROGRAMS=" || bad "--help does not name the PROGRAMS allow-list"

[ $fail -eq 0 ] && echo "run: all checks passed"
exit $fail
