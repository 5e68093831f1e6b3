# reportee.sh: sourced by the report_*.t tests. Sets top, so (the shim),
# prog (tests/helpers/reportee) and tmp (a directory removed at exit; a test
# that sets its own EXIT trap removes it there); skips (77) when reportee or
# python3 is missing.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
prog=${FG_BUILD:-$top/build}/tests/helpers/reportee
[ -x "$prog" ] || { echo "reportee not built: $prog"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
