#!/bin/sh
# report_exit.t: a process that ends with _exit() or _Exit() (no exit
# handlers) still writes its exit report: the shim's own reportee, dash (which
# always ends that way), and a forked Python child ending with os._exit().
# A vfork child's _exit (and one after a failed exec) writes nothing: it runs
# in its parent's memory. A SIGALRM handler calling _exit while the program
# allocates never hangs the exit.
. "$(dirname "$0")/reportee.sh"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# reason, final, and the 4 MiB grown before the end
check() { # FILE
  python3 - "$1" <<'PY' || return 1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["reason"] == "exit" and d["final"], (d["reason"], d["final"])
assert d["cost"]["prefaulted_bytes"] >= 4 << 20, d["cost"]["prefaulted_bytes"]
PY
}

for m in "_exit 5" "_Exit 6"; do
  rm -rf "$tmp/r"; mkdir "$tmp/r"
  FRAGGUARD_REPORT="$tmp/r/%e.%p.json" LD_PRELOAD="$so" "$prog" $m >"$tmp/out"; rc=$?
  [ $rc = "${m#* }" ] || bad "$m: exit status $rc"
  pid=$(sed -n 's/^pid //p' "$tmp/out")
  [ -f "$tmp/r/reportee.$pid.json" ] || { bad "$m: no report ($(ls "$tmp/r"))"; continue; }
  check "$tmp/r/reportee.$pid.json" || bad "$m: report contents"
  echo "ok: $m"
done

rm -rf "$tmp/r"; mkdir "$tmp/r"
FRAGGUARD_REPORT="$tmp/r/%e.%p.json" LD_PRELOAD="$so" "$prog" vfork >"$tmp/out" || bad "vfork mode exited $?"
set -- $(cat "$tmp/out")   # parent P child C1 C2
files=$(cd "$tmp/r" && ls)
[ "$files" = "reportee.$2.json" ] || bad "vfork: reports '$files', want only the parent's (reportee.$2.json)"
[ -f "$tmp/r/reportee.$2.json" ] && { check "$tmp/r/reportee.$2.json" || bad "vfork: parent's report"; }
echo "ok: vfork children wrote nothing"

# A file-size limit below the report's size (ulimit -f, sshd's pre-auth
# child): no report, one line saying why, and no SIGXFSZ killing the
# program at its end. Output through a pipe: the limit covers files only.
rm -rf "$tmp/r"; mkdir "$tmp/r"
( ulimit -f 0; FRAGGUARD_REPORT="$tmp/r/%e.%p.json" LD_PRELOAD="$so" "$prog" _exit 5; echo "rc=$?" ) 2>&1 | cat >"$tmp/out"
grep -qx 'rc=5' "$tmp/out" || bad "ulimit -f 0: $(tr '\n' ' ' <"$tmp/out")"
grep -q 'file-size limit' "$tmp/out" || bad "ulimit -f 0: no line saying why there is no report"
[ -z "$(ls -A "$tmp/r")" ] || bad "ulimit -f 0: files left: $(ls -A "$tmp/r")"
echo "ok: ulimit -f 0"

# Real programs: dash ends with _exit; Python's forked child with os._exit.
if [ -x /bin/dash ]; then
  rm -rf "$tmp/r"; mkdir "$tmp/r"
  FRAGGUARD_REPORT="$tmp/r/%e.%p.json" LD_PRELOAD="$so" /bin/dash -c 'echo $$ > "$1"' sh "$tmp/dpid"
  ls "$tmp/r/dash.$(cat "$tmp/dpid").json" >/dev/null 2>&1 || bad "dash: no report ($(ls "$tmp/r"))"
  echo "ok: dash"
fi
rm -rf "$tmp/r"; mkdir "$tmp/r"
FRAGGUARD_REPORT="$tmp/r/%p.json" LD_PRELOAD="$so" python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    x = [bytearray(64) for i in range(20000)]
    os._exit(4)
_, st = os.waitpid(pid, 0)
print(os.getpid(), pid, os.waitstatus_to_exitcode(st))
' >"$tmp/out" || bad "python3 fork exited $?"
set -- $(cat "$tmp/out")
[ "$3" = 4 ] || bad "python3 child status '$3'"
[ -f "$tmp/r/$2.json" ] || bad "python3: the os._exit child wrote no report ($(ls "$tmp/r"))"
[ -f "$tmp/r/$1.json" ] || bad "python3: the parent wrote no report"
echo "ok: python3 os._exit"

# _exit from a signal handler, the program in malloc/free all the while:
# always ends (timeout would say 124); the report is skipped only when the
# signal landed inside the shim's locked code, which is rare.
wrote=0
for i in 1 2 3 4 5 6 7 8 9 10; do
  rm -rf "$tmp/r"; mkdir "$tmp/r"
  FRAGGUARD_REPORT="$tmp/r/%e.%p.json" LD_PRELOAD="$so" timeout -k 2 10 "$prog" sigexit 300; rc=$?
  [ $rc = 3 ] || bad "sigexit run $i: exit status $rc (124: hung)"
  ls "$tmp/r"/reportee.*.json >/dev/null 2>&1 && wrote=$((wrote+1))
done
[ $wrote -ge 7 ] || bad "sigexit: a report in only $wrote of 10 runs"
echo "ok: _exit from a signal handler, $wrote of 10 reports"
exit $fail
