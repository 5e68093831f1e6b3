#!/bin/sh
# report_nomalloc.t: the call-site sampler and the report writer never call
# malloc. The program defines its own malloc family (ahead of the shim in
# symbol lookup, forwarding to it) and counts calls whose return address is
# in the unwinder (libgcc_s, which backtrace() loads) or in the shim, while
# sampling every 4 KiB and writing the report. Expect zero.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
prog=${FG_BUILD:-$top/build}/tests/helpers/reportee
[ -x "$prog" ] || { echo "reportee not built: $prog"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
FRAGGUARD_REPORT="$tmp/r.json" FRAGGUARD_SAMPLE_BYTES=4K LD_PRELOAD="$so" "$prog" count 16 >"$tmp/out"
rc=$?
cat "$tmp/out"
[ $rc = 77 ] && exit 77
[ $rc = 0 ] || { echo "FAIL: exit $rc"; exit 1; }
grep -q '^nested 0 write 0$' "$tmp/out" || { echo "FAIL: allocations from inside the sampler or writer"; exit 1; }
grep -q '"samples":[1-9]' "$tmp/r.json" || { echo "FAIL: nothing was sampled"; exit 1; }
echo "no malloc in the sampler: ok"
