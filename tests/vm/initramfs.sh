#!/bin/sh
# initramfs.sh OUT.cpio.gz SHIM CLI DAEMON CONFDIR: the VM tests' initramfs
# (adapted from ../shared/vm/build-initramfs.sh): busybox-static as every
# command, tests/vm/init.sh as /init, the scenario scripts, the daemon and the
# fragguard tool in /bin, the shim in /lib/fragguard, the profiles in
# /etc/fragguard, and the glibc loader plus every library ldd names, at the
# same paths, so dynamic programs and LD_PRELOAD work inside.
set -eu
out=$1; shim=$2; cli=$3; daemon=$4; confdir=$5
here=$(cd "$(dirname "$0")" && pwd)
bb=$(command -v busybox 2>/dev/null || echo /bin/busybox)
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/lib64" \
         "$R/lib/fragguard" "$R/etc/fragguard" "$R/out"
cp "$bb" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do
  [ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
libs_of() {  # the shared libraries a program or library needs, at their paths
  ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | while read -r lib; do
    mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
  done
}
cp "$here/init.sh" "$R/init"; chmod 755 "$R/init"
cp "$here/lib.sh" "$here"/scen-*.sh "$R/bin/"
cp "$daemon" "$R/bin/daemon"; libs_of "$daemon"
cp "$cli" "$R/bin/fragguard"; libs_of "$cli"
cp "$shim" "$R/lib/fragguard/libfragguard.so"; libs_of "$shim"
for c in "$confdir"/*.conf; do [ -f "$c" ] && cp "$c" "$R/etc/fragguard/"; done
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
