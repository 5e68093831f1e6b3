#!/bin/sh
# prefix.t: what embeds PREFIX follows it. fragguard (tools/run.c looks for
# the shim and profiles under PREFIX) and fragguard.pc are rebuilt when make
# runs again with another PREFIX, as `make && make install PREFIX=/opt/x`
# does; the shim, which embeds no path, is not. Built -O0 into a build
# directory of its own.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v strings >/dev/null || { echo "strings (binutils) not installed"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
rc=0
fail() { echo "FAIL: $*"; rc=1; }
b=$tmp/b
mk() { # PREFIX, targets...
  p=$1; shift
  make --no-print-directory -C "$top" B="$b" CFLAGS=-O0 PREFIX="$p" "$@" >"$tmp/make.log" 2>&1 ||
    { tail -n 20 "$tmp/make.log"; fail "make PREFIX=$p $* failed"; exit 1; }
}

mk /opt/fgA all
strings "$b/fragguard" | grep -q '^/opt/fgA/share/fragguard$' || fail "fragguard does not embed /opt/fgA"
so_before=$(cksum < "$b/libfragguard.so")
mk /opt/fgB all "$b/fragguard.pc"
strings "$b/fragguard" | grep -q '^/opt/fgB/share/fragguard$' || fail "fragguard not rebuilt for PREFIX=/opt/fgB"
strings "$b/fragguard" | grep -q '/opt/fgA' && fail "fragguard still embeds /opt/fgA"
grep -q '^prefix=/opt/fgB$' "$b/fragguard.pc" || fail "fragguard.pc not rebuilt: $(grep prefix= "$b/fragguard.pc")"
[ "$(cksum < "$b/libfragguard.so")" = "$so_before" ] || fail "the shim was rebuilt for a new PREFIX"
grep -q '  CC(pic)' "$tmp/make.log" && fail "shim objects recompiled for a new PREFIX"
mk /opt/fgB all
grep -q '  CC' "$tmp/make.log" && fail "a second make with the same PREFIX recompiled: $(grep '  CC' "$tmp/make.log")"

[ $rc = 0 ] && echo "prefix: ok (fragguard and fragguard.pc follow PREFIX; the shim is left alone)"
exit $rc
