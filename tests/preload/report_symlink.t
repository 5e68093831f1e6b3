#!/bin/sh
# report_symlink.t: a symlink planted at the report path is replaced, not
# followed (its target stays untouched); a stale temporary file is no
# obstacle; a report directory that is a regular file is refused with one
# warning and the program runs on.
. "$(dirname "$0")/reportee.sh"
mkdir "$tmp/d"
echo precious >"$tmp/target"
ln -s "$tmp/target" "$tmp/d/r.json"
ln -s "$tmp/target" "$tmp/d/.r.json.tmp99999"   # a planted temp name (unused pid)
FRAGGUARD_REPORT="$tmp/d/r.json" LD_PRELOAD="$so" "$prog" grow 2 >/dev/null ||
  { echo "FAIL: reportee exited $?"; exit 1; }
[ "$(cat "$tmp/target")" = precious ] || { echo "FAIL: symlink target was written"; exit 1; }
[ -L "$tmp/d/r.json" ] && { echo "FAIL: report path is still the symlink"; exit 1; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/d/r.json" ||
  { echo "FAIL: report not valid JSON"; exit 1; }
mode=$(stat -c %a "$tmp/d/r.json")
case "$mode" in 640|600|604|644) ;; *) echo "FAIL: mode $mode"; exit 1 ;; esac
ls -a "$tmp/d" | grep -q '^\.r\.json\.tmp[0-9]*$' && [ "$(ls -a "$tmp/d" | grep -c tmp)" -gt 1 ] &&
  { echo "FAIL: temporary file left behind"; ls -a "$tmp/d"; exit 1; }

# A directory path that is a file: refused, one warning, exit status kept.
echo x >"$tmp/file"
FRAGGUARD_REPORT="$tmp/file/r.json" LD_PRELOAD="$so" "$prog" grow 1 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || { echo "FAIL: exit $rc with a bad report directory"; exit 1; }
grep -q "not a directory" "$tmp/err" || { echo "FAIL: no warning"; cat "$tmp/err"; exit 1; }
[ "$(cat "$tmp/file")" = x ] || { echo "FAIL: file changed"; exit 1; }
echo "report symlink: ok"
