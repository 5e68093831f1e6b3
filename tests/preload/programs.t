#!/bin/sh
# FRAGGUARD_PROGRAMS: where the shim is preloaded into every process
# (/etc/ld.so.preload), only the named programs are served; any other runs
# with the C library's malloc (state disabled), silently. Names are matched
# against the executable's basename, with spaces around commas allowed; the
# key works from the config file too.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
bin=${FG_BUILD:-$top/build}/tests/helpers/fgstat
[ -x "$bin" ] || { echo "fgstat not built"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
val() { sed -n "s/^$1=//p" "$tmp/out"; }
run() { # expected-active, then env assignments
  want=$1; shift
  env "$@" LD_PRELOAD="$so" "$bin" 2 >"$tmp/out" 2>"$tmp/err" || no "exit status with $*"
  [ "$(val active)" = "$want" ] || no "$*: active=$(val active), expected $want"
  [ -s "$tmp/err" ] && no "$* printed: $(cat "$tmp/err")"
}

run 1 FRAGGUARD_PROGRAMS=                       # empty: every program
run 1 FRAGGUARD_PROGRAMS=fgstat
run 1 "FRAGGUARD_PROGRAMS=nginx, fgstat ,redis-server"
run 0 FRAGGUARD_PROGRAMS=nginx,redis-server
run 0 FRAGGUARD_PROGRAMS=fgsta                  # whole names only
run 0 FRAGGUARD_PROGRAMS=fgstatx,gstat
run 0 FRAGGUARD_PROGRAMS=helpers/fgstat         # basenames, not paths
# From the config file, as /etc/fragguard.conf would carry it.
printf 'PROGRAMS=sshd,fgstat\n' >"$tmp/c.conf"
run 1 FRAGGUARD_CONFIG="$tmp/c.conf"
printf 'PROGRAMS=sshd\n' >"$tmp/c.conf"
run 0 FRAGGUARD_CONFIG="$tmp/c.conf"
# A real program not named: ls runs normally without the shim.
FRAGGUARD_PROGRAMS=nginx FRAGGUARD_VERBOSE=2 LD_PRELOAD="$so" ls / >/dev/null 2>"$tmp/err" || no "ls failed"
[ -s "$tmp/err" ] && no "ls not named, but the shim spoke: $(cat "$tmp/err")"
[ $fail -eq 0 ] && echo "programs: ok"
exit $fail
