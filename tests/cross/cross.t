#!/bin/sh
# Cross builds for arm64 and armhf (make cross-arm64, cross-armhf) with their
# unit and preload tests under qemu-user (tests/cross/run.sh). A target whose
# compiler or qemu is missing is left out; with neither, the test skips.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
ran=0; rc=0; missing=""; names=""
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
for t in arm64:aarch64-linux-gnu:qemu-aarch64 armhf:arm-linux-gnueabihf:qemu-arm; do
  name=${t%%:*}; rest=${t#*:}; triple=${rest%%:*}; qemu=${rest#*:}
  if ! command -v "$triple-gcc" >/dev/null 2>&1 || ! command -v "$qemu" >/dev/null 2>&1 ||
     [ ! -d "/usr/$triple/lib" ]; then
    missing="$missing $name"; continue
  fi
  make -s cross-$name WERROR=1 >/dev/null || { echo "cross.t: make cross-$name failed"; rc=1; continue; }
  names="$names $name"
done
# Both targets' tests at once: each runs one emulated program at a time.
for name in $names; do
  { sh tests/cross/run.sh "$name" > "$out/$name" 2>&1; echo $? > "$out/$name.rc"; } &
done
wait
for name in $names; do
  echo "== $name"; cat "$out/$name"
  [ "$(cat "$out/$name.rc")" = 0 ] || rc=1
  ran=$((ran+1))
done
[ -n "$missing" ] && echo "cross.t: not tested:$missing (needs gcc-<triple>, libc6-dev-<arch>-cross and qemu-user)"
if [ $ran -eq 0 ] && [ $rc -eq 0 ]; then
  echo "no cross compiler or qemu-user (apt-get install gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user libc6-dev-arm64-cross libc6-dev-armhf-cross)"
  exit 77
fi
exit $rc
