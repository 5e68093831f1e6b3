#!/bin/sh
# kernel.sh CACHE_DIR: prints the path of a stock Debian x86-64 kernel image,
# fetching it first when the cache lacks it. The current linux-image-*-amd64
# package is downloaded with apt-get download and unpacked with dpkg-deb -x,
# never installed (adapted from ../shared/vm/get-kernel.sh). Offline, the
# newest cached kernel is used. Exit 1 with a reason when there is none.
set -u
cache=$1
mkdir -p "$cache" || exit 1
newest_cached() { ls -t "$cache"/*/vmlinuz 2>/dev/null | head -n 1; }
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
  k=$(newest_cached)
  if [ -n "$k" ]; then echo "$k"; exit 0; fi
  echo "cannot resolve linux-image-amd64 (no Debian package lists; run 'apt-get update')" >&2
  exit 1
fi
if [ -s "$cache/$pkg/vmlinuz" ]; then echo "$cache/$pkg/vmlinuz"; exit 0; fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Bounded: without a network apt-get may wait on each mirror for minutes.
if ! (cd "$tmp" && timeout 300 apt-get download "$pkg" >/dev/null 2>&1 && dpkg-deb -x ./*.deb root); then
  k=$(newest_cached)
  if [ -n "$k" ]; then echo "$k"; exit 0; fi
  echo "cannot download '$pkg' with apt-get download (no network?) and no kernel in $cache" >&2
  exit 1
fi
mkdir -p "$cache/$pkg"
# The cache is shared by every tree: a private name, then an atomic rename.
cp "$tmp"/root/boot/vmlinuz-* "$cache/$pkg/vmlinuz.$$" && mv "$cache/$pkg/vmlinuz.$$" "$cache/$pkg/vmlinuz" || exit 1
cp "$tmp"/root/boot/config-* "$cache/$pkg/config" 2>/dev/null
echo "$cache/$pkg/vmlinuz"
