#!/bin/sh
# make install into a temporary DESTDIR, then use what was installed: a
# program under the installed shim, the installed fragguard on a seed log,
# fragguard run finding the shim and a profile relative to itself,
# pkg-config through the installed fragguard.pc, man pages that format; then
# make uninstall leaves no file behind.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
B=${FG_BUILD:-$top/build}
case "$B" in "$top"/*) B=${B#"$top"/} ;; esac
d=$(mktemp -d) || exit 1
mkdir "$d/tmp" && export TMPDIR="$d/tmp"
trap 'rm -rf "$d"' EXIT
fail() { echo "install.t: $*"; exit 1; }

make -s B="$B" install DESTDIR="$d/root" PREFIX=/usr/local >"$d/log" 2>&1 || { tail -20 "$d/log"; fail "make install failed"; }
ma=$(${CC:-cc} -print-multiarch 2>/dev/null)
so="$d/root/usr/local/lib${ma:+/$ma}/fragguard/libfragguard.so"
cli="$d/root/usr/local/bin/fragguard"
[ -f "$so" ] || fail "no shim at ${so#$d/root}"
[ -x "$cli" ] || fail "no fragguard at /usr/local/bin"
for f in include/fragguard.h include/fragguard/report.h share/fragguard/default.conf \
         share/fragguard/embedded.conf share/fragguard/systemd-fragguard.conf \
         share/man/man1/fragguard.1 share/man/man7/libfragguard.7 \
         "lib${ma:+/$ma}/pkgconfig/fragguard.pc"; do
  [ -f "$d/root/usr/local/$f" ] || fail "missing /usr/local/$f"
done

# The installed shim serves a real program: it writes ls's report.
mkdir "$d/rep"
FRAGGUARD_REPORT="$d/rep" LD_PRELOAD="$so" ls / >/dev/null 2>"$d/ls.err" || fail "ls under the installed shim failed"
ls "$d/rep" | grep -q '^ls\..*\.json$' || { cat "$d/ls.err"; fail "the installed shim wrote no report for ls"; }

# The installed tool explains a seed log.
"$cli" explain tests/data/oom/seed_001_highorder_watermark.txt >"$d/explain" 2>&1 || fail "fragguard explain failed"
grep -q "highorder\|order" "$d/explain" || fail "fragguard explain said nothing useful"

# fragguard run finds the installed shim and profile relative to itself.
"$cli" run -q --profile embedded -- ls / >/dev/null 2>"$d/run" || { cat "$d/run"; fail "fragguard run from the install failed"; }

# pkg-config through the installed .pc file.
if command -v pkg-config >/dev/null 2>&1; then
  pc="$d/root/usr/local/lib${ma:+/$ma}/pkgconfig"
  flags=$(PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$d/root" pkg-config --cflags --libs fragguard) ||
    fail "pkg-config --cflags --libs fragguard failed"
  case "$flags" in *"-I$d/root/usr/local/include"*"-ldl"*) ;; *) fail "pkg-config said '$flags'" ;; esac
  shim=$(PKG_CONFIG_PATH="$pc" pkg-config --variable=shim fragguard)
  [ "$shim" = "/usr/local/lib${ma:+/$ma}/fragguard/libfragguard.so" ] || fail "pkg-config shim variable is '$shim'"
  printf '#include <fragguard.h>\nint main(void){struct fg_stats s; (void)s; return 0;}\n' >"$d/t.c"
  ${CC:-cc} $flags -o "$d/t" "$d/t.c" || fail "a program does not build with the pkg-config flags"
fi

# The man pages format without warnings.
if command -v man >/dev/null 2>&1; then
  for m in man1/fragguard.1 man7/libfragguard.7; do
    w=$(LC_ALL=C.UTF-8 man --warnings -l "$d/root/usr/local/share/man/$m" 2>&1 >/dev/null)
    [ -z "$w" ] || { echo "$w"; fail "man $m warns"; }
  done
fi

# The drop-in escapes the shim's % for systemd.
grep -q '%%p' "$d/root/usr/local/share/fragguard/systemd-fragguard.conf" || fail "drop-in lacks %%p"

make -s B="$B" uninstall DESTDIR="$d/root" PREFIX=/usr/local >"$d/log" 2>&1 || fail "make uninstall failed"
left=$(find "$d/root" -type f)
[ -z "$left" ] || { echo "$left"; fail "make uninstall left files"; }
echo "install.t: ok"
