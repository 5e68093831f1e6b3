# common.sh: sourced by tests/real/*.t. Real programs run twice in the same
# fresh directory, first on glibc, then with LD_PRELOAD=$FG_SO; their stdout,
# stderr and exit status must be identical.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
so=${FG_SO:-$top/build/libfragguard.so}
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
case "$so" in /*) ;; *) so=$(pwd)/$so ;; esac

# need PROG...: skip when a program is missing.
need() {
  for p; do
    command -v "$p" >/dev/null 2>&1 || { echo "$p not installed"; exit 77; }
  done
}

# The system's python3 (not a version manager's wrapper script), if any.
py3() {
  if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fg-real.XXXXXX") || exit 2
cleanup() { rm -rf "$tmp"; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM

# compare NAME CMD [ARG...]: runs CMD in $tmp/w (created empty) without and
# with the shim; fails with a diff when the results differ.
compare() {
  name=$1; shift
  for mode in glibc shim; do
    rm -rf "$tmp/w"; mkdir "$tmp/w"
    if [ $mode = shim ]; then
      (cd "$tmp/w" && env LD_PRELOAD="$so" "$@" >"$tmp/$mode.out" 2>"$tmp/$mode.err")
    else
      (cd "$tmp/w" && env -u LD_PRELOAD "$@" >"$tmp/$mode.out" 2>"$tmp/$mode.err")
    fi
    echo $? >"$tmp/$mode.rc"
  done
  ok=1
  if ! cmp -s "$tmp/glibc.rc" "$tmp/shim.rc"; then
    echo "FAIL $name: exit status $(cat "$tmp/glibc.rc") on glibc, $(cat "$tmp/shim.rc") under the shim"
    ok=0
  fi
  if ! cmp -s "$tmp/glibc.out" "$tmp/shim.out"; then
    echo "FAIL $name: stdout differs (- glibc, + shim):"
    diff -u "$tmp/glibc.out" "$tmp/shim.out" | head -40
    ok=0
  fi
  if ! cmp -s "$tmp/glibc.err" "$tmp/shim.err"; then
    echo "FAIL $name: stderr differs (- glibc, + shim):"
    diff -u "$tmp/glibc.err" "$tmp/shim.err" | head -40
    ok=0
  fi
  if [ "$(cat "$tmp/glibc.rc")" != 0 ]; then
    echo "FAIL $name: the workload itself fails on glibc (exit $(cat "$tmp/glibc.rc")):"
    tail -5 "$tmp/glibc.err"
    ok=0
  fi
  [ -n "${FG_VERBOSE:-}" ] && sed 's/^/  | /' "$tmp/glibc.out" "$tmp/glibc.err"
  if [ $ok = 1 ]; then
    echo "$name: same output with and without the shim ($(wc -l <"$tmp/glibc.out") lines)"
    return 0
  fi
  return 1
}
