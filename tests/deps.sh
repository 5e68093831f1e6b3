#!/bin/sh
# What the build and the tests need from Debian. "check" says what is missing
# (tests that need a missing program skip themselves); "install" installs it
# (root, apt-get).
BUILD="build-essential pkg-config libjansson-dev clang"
TESTS="python3 perl sqlite3 git memcached curl busybox-static cpio qemu-system-x86 \
libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4 time nginx-light prometheus chromium \
gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user libc6-dev-arm64-cross libc6-dev-armhf-cross \
musl-tools postgresql openssh-server php-cli jq"
# installed PKG: true if any architecture's instance of PKG is installed
# (dpkg -s refuses names that several architectures installed).
installed() { dpkg-query -W -f='${db:Status-Abbrev}\n' "$1" 2>/dev/null | grep -q '^ii'; }

case "$1" in
install)
  if [ "$(id -u)" != 0 ]; then echo "deps: run as root: sudo make deps" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  # A mirror in mid-sync makes apt-get update fail on one index (seen on CI:
  # binary-armhf "File has unexpected size"); try again, then go on with the
  # indexes apt has: the installs below say what they could not find.
  n=0
  until apt-get update -qq; do
    n=$((n + 1))
    if [ $n -ge 3 ]; then
      echo "deps: apt-get update failed $n times; going on with the indexes apt has" >&2
      break
    fi
    sleep $((n * 10))
  done
  apt-get install -y -qq --no-install-recommends $BUILD || exit 1
  # postgresql's own scripts would create and start a cluster "main" that no
  # test uses (tests/real/postgres.t makes its own): not on a machine
  # without one.
  if ! installed postgresql-common && [ ! -e /etc/postgresql-common/createcluster.d/fragguard.conf ]; then
    mkdir -p /etc/postgresql-common/createcluster.d &&
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/fragguard.conf
  fi
  # Test packages: all at once, else one by one; a test whose program is
  # still missing skips itself with the reason.
  if ! apt-get install -y -qq --no-install-recommends $TESTS; then
    for p in $TESTS; do
      apt-get install -y -qq --no-install-recommends "$p" || echo "deps: could not install $p" >&2
    done
  fi
  exit 0
  ;;
check|build)
  command -v dpkg >/dev/null 2>&1 || exit 0   # not Debian: let the compiler speak
  miss=""
  for p in $BUILD; do installed "$p" || miss="$miss $p"; done
  if [ -n "$miss" ]; then
    echo "fragguard: missing build packages:$miss; run 'sudo make deps' (or apt-get install them)" >&2; exit 1
  fi
  [ "$1" = build ] && exit 0
  miss=""
  for p in $TESTS; do installed "$p" || miss="$miss $p"; done
  [ -n "$miss" ] && echo "note: tests needing$miss will be skipped ('sudo make deps' installs them)" >&2
  exit 0
  ;;
*) echo "usage: deps.sh install|check|build" >&2; exit 2 ;;
esac
