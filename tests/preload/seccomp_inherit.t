#!/bin/sh
# seccomp_inherit.t: a program started inside a seccomp filter it inherited
# (tests/helpers/sandboxexec: renaming, linking, unlinking refused with
# ENOSYS, as man-db's children run) with FRAGGUARD_REPORT set. The report
# cannot be written and the shim says nothing about it (ENOSYS is the
# filter's answer): the program's output and exit status are as without the
# shim, and stderr stays empty (before: "cannot write the report ... (errno
# 38)", or EEXIST for the temporary file the exec'd program's predecessor
# left, from every such process). Outside the filter the report is written.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
sx=${FG_BUILD:-$top/build}/tests/helpers/sandboxexec
[ -x "$sx" ] || { echo "sandboxexec not built: $sx"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$sx" /bin/ls / >"$tmp/plain" 2>&1; rc=$?
[ $rc -eq 77 ] && { cat "$tmp/plain"; exit 77; }
[ $rc -eq 0 ] || { echo "sandboxexec without the shim: exit $rc"; cat "$tmp/plain"; exit 1; }
for prog in "/bin/ls /" "/bin/sh -c exit" "/usr/bin/env true"; do
  "$sx" env FRAGGUARD_REPORT="$tmp/r.%p.json" LD_PRELOAD="$so" $prog >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ $rc -eq 0 ] || bad "$prog in the filter: exit $rc"
  [ -s "$tmp/err" ] && bad "$prog in the filter: stderr: $(head -c 300 "$tmp/err")"
done
"$sx" env FRAGGUARD_REPORT="$tmp/r.%p.json" LD_PRELOAD="$so" /bin/ls / >"$tmp/out" 2>/dev/null
cmp -s "$tmp/plain" "$tmp/out" || bad "ls output differs under the shim in the filter"
left=$(ls -A "$tmp" | grep -v '^plain$\|^out$\|^err$')
[ -n "$left" ] && bad "files left inside the filter (reports or hidden temporary files): $left"
FRAGGUARD_REPORT="$tmp/o.%p.json" LD_PRELOAD="$so" /bin/ls / >/dev/null 2>"$tmp/err"
ls "$tmp"/o.*.json >/dev/null 2>&1 || bad "outside the filter no report was written: $(cat "$tmp/err")"
# A program that only probes for seccomp (libseccomp, systemd) installs
# nothing: the shim carries on and its exit report says "exit".
FRAGGUARD_REPORT="$tmp/p.%p.json" LD_PRELOAD="$so" "$sx" -p || bad "sandboxexec -p failed"
grep -q '"reason": *"exit"' "$tmp"/p.*.json 2>/dev/null ||
  bad "after seccomp probes: $(grep -o '"reason": *"[a-z]*"' "$tmp"/p.*.json 2>/dev/null || echo no report)"
[ $fail -eq 0 ] && echo "seccomp_inherit: ok (3 programs quiet in an inherited filter; report written outside it)"
exit $fail
