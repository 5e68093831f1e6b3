#!/bin/sh
# config.t: configuration from the environment and FRAGGUARD_CONFIG. A bad
# value gives one stderr line naming the key and what is accepted, the
# default is used and the program runs unaffected; DISABLE passes through;
# RESERVE pre-faults at start; the file is read, the environment wins; a
# setuid-style secure run cannot be pointed at a file (tested by the loader's
# own rule: AT_SECURE ignores LD_PRELOAD outside trusted dirs, so not here).
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
bin=${FG_BUILD:-$top/build}/tests/helpers/fgstat
[ -x "$bin" ] || { echo "fgstat not built"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
val() { sed -n "s/^$1=//p" "$tmp/out"; }

# A typo in a value: one line on stderr, naming the key; the default is used.
FRAGGUARD_THP=maybe LD_PRELOAD=$so "$bin" 4 >"$tmp/out" 2>"$tmp/err" || no "exit status with a bad THP"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || no "expected one stderr line, got: $(cat "$tmp/err")"
grep -q "FRAGGUARD_THP='maybe' is not valid: expected 0/1/yes/no/on/off; using the default 1" "$tmp/err" ||
  no "message: $(cat "$tmp/err")"
[ "$(val active)" = 1 ] || no "shim not active after a bad value"
FRAGGUARD_RETAIN=12Q FRAGGUARD_NOSUCH=1 LD_PRELOAD=$so "$bin" 1 >"$tmp/out" 2>"$tmp/err"
grep -q "FRAGGUARD_RETAIN='12Q' is not valid: expected a size" "$tmp/err" || no "RETAIN message: $(cat "$tmp/err")"
grep -q "unknown key 'FRAGGUARD_NOSUCH'" "$tmp/err" || no "unknown key message: $(cat "$tmp/err")"
# A signal the C library keeps for its threads (glibc's sigaction refuses
# 32 and 33): refused with the reason, not accepted and silently ignored.
FRAGGUARD_REPORT_SIGNAL=33 FRAGGUARD_REPORT=$tmp/r.json LD_PRELOAD=$so "$bin" 1 >"$tmp/out" 2>"$tmp/err" ||
  no "exit status with REPORT_SIGNAL=33"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || no "REPORT_SIGNAL=33: expected one stderr line, got: $(cat "$tmp/err")"
grep -q "FRAGGUARD_REPORT_SIGNAL='33' is not valid: .*SIGRTMIN.*using the default 0" "$tmp/err" ||
  no "REPORT_SIGNAL=33 message: $(cat "$tmp/err")"

# DISABLE: everything goes to glibc.
FRAGGUARD_DISABLE=yes LD_PRELOAD=$so "$bin" 4 >"$tmp/out" 2>"$tmp/err"
[ "$(val active)" = 0 ] || no "DISABLE=yes left the shim active"
[ -s "$tmp/err" ] && no "DISABLE printed: $(cat "$tmp/err")"

# RESERVE: 8 MiB pre-faulted at start (4 chunks of 2 MiB), kept as empty.
FRAGGUARD_RESERVE=8M LD_PRELOAD=$so "$bin" 0 >"$tmp/out" 2>"$tmp/err"
ch=$(val chunk_bytes)
[ "$(val empty_bytes)" -ge 8388608 ] || no "RESERVE=8M: empty_bytes $(val empty_bytes)"
[ "$(val bytes_prefaulted)" -ge 8388608 ] || no "RESERVE=8M: prefaulted $(val bytes_prefaulted)"

# The file, and the environment over the file.
printf '# test\nTHP=0\nRESERVE=4M\n' >"$tmp/fg.conf"
FRAGGUARD_CONFIG=$tmp/fg.conf LD_PRELOAD=$so "$bin" 0 >"$tmp/out" 2>"$tmp/err"
[ "$(val thp)" = 0 ] || no "THP=0 from the file not applied"
[ "$(val empty_bytes)" -ge 4194304 ] || no "RESERVE=4M from the file not applied"
FRAGGUARD_CONFIG=$tmp/fg.conf FRAGGUARD_THP=1 LD_PRELOAD=$so "$bin" 8 >"$tmp/out" 2>"$tmp/err"
if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then :; else
  [ "$(val thp)" = 1 ] || no "environment THP=1 did not override the file"
fi
FRAGGUARD_CONFIG=$tmp/missing.conf LD_PRELOAD=$so "$bin" 1 >"$tmp/out" 2>"$tmp/err"
grep -q "cannot read FRAGGUARD_CONFIG '$tmp/missing.conf'" "$tmp/err" || no "missing file message: $(cat "$tmp/err")"
[ "$(val active)" = 1 ] || no "missing config file disabled the shim"

# PREFAULT=0: chunks are not faulted by the shim.
FRAGGUARD_PREFAULT=0 LD_PRELOAD=$so "$bin" 16 >"$tmp/out" 2>"$tmp/err"
[ "$(val bytes_prefaulted)" = 0 ] || no "PREFAULT=0 still pre-faulted $(val bytes_prefaulted)"
exit $fail
