#!/bin/sh
# The shim built with musl-gcc (make musl) and its unit and preload tests run
# natively under musl's loader, which honours LD_PRELOAD.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
if ! command -v musl-gcc >/dev/null 2>&1; then
  echo "musl-gcc missing (apt-get install musl-tools)"; exit 77
fi
make -s musl WERROR=1 >/dev/null || { echo "musl.t: make musl failed"; exit 1; }
# The shim must really be loaded: its VERBOSE=2 summary at exit says so.
out=$(FRAGGUARD_VERBOSE=2 LD_PRELOAD="$top/build-musl/libfragguard.so" build-musl/tests/preload/alignment 2>&1)
case "$out" in *"fragguard: chunks"*) ;; *) echo "musl.t: the shim did not load under musl:"; echo "$out" | tail -5; exit 1 ;; esac
exec sh tests/cross/run.sh musl
