#!/bin/sh
# Runs the unit and preload tests of a cross or musl build (make cross-arm64,
# cross-armhf, musl) and prints one line each, then "N passed, N failed,
# N skipped", like tests/run.sh. Foreign binaries run under qemu-user with the
# target's sysroot (-L); preload tests get the shim with -E LD_PRELOAD=, which
# reaches the emulated program and not qemu itself. musl binaries run natively
# (musl's loader honours LD_PRELOAD). LD_LIBRARY_PATH points the target's
# loader at the sysroot's own libc: with libc6:arm64 also installed (for
# libjansson-dev:arm64), the loader from the sysroot would otherwise pick the
# multiarch libc of another build, and threads hang in pthread_create.
# Usage: sh tests/cross/run.sh arm64|armhf|musl [PATTERN]
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
target=$1
pat=${2:-}
case "$target" in
arm64) B=build-arm64 QEMU=qemu-aarch64 SYSROOT=/usr/aarch64-linux-gnu mk=cross-arm64 ;;
armhf) B=build-armhf QEMU=qemu-arm SYSROOT=/usr/arm-linux-gnueabihf mk=cross-armhf ;;
musl)  B=build-musl QEMU= SYSROOT= mk=musl ;;
*) echo "usage: tests/cross/run.sh arm64|armhf|musl [PATTERN]" >&2; exit 2 ;;
esac
B=${FG_CROSS_BUILD:-$B}
case "$B" in /*) ;; *) B="$top/$B" ;; esac
SO="$B/libfragguard.so"
[ -f "$SO" ] || { echo "cross: '$SO' is missing; run 'make $mk' first" >&2; exit 2; }
TMO=${FG_TEST_TIMEOUT:-600}
pass=0; fail=0; skip=0; failed=""
log=$B/test-logs; rm -rf "$log"; mkdir -p "$log"

# What qemu-user itself cannot do, whatever the shim does.
qemu_skip() {
  case "$1" in
  preload/fork_threads|preload/fork_signal) echo "qemu-user 7.x aborts on fork in a threaded guest (plugin vcpu assert)" ;;
  preload/release|preload/setxid|preload/seccomp|preload/fork_loader_lock|preload/fork_count|preload/unwind_fds|preload/report_cadence|preload/bigclass|preload/stderr_reuse) echo "re-executes /proc/self/exe, which needs binfmt_misc under qemu-user" ;;
  preload/many_threads|preload/thread_churn|preload/tsd_exit)
    # qemu keeps state per guest thread, exited ones too (the same growth
    # without the shim: 100 -> 1000 threads, +250 MiB).
    echo "RSS is qemu's (it keeps per-thread state), not the program's" ;;
  preload/large_tail)
    # Seen under qemu-user 7.2: the guest's blocks show neither hg nor nh
    # in smaps; it does not pass MADV_HUGEPAGE/NOHUGEPAGE to the host.
    echo "qemu-user does not pass the guest's huge-page advice to the host" ;;
  esac
}

run_one() { # name, preload (0/1), program
  name=$1
  case "$name" in *"$pat"*) ;; *) return ;; esac
  why=$([ -n "$QEMU" ] && qemu_skip "$name")
  if [ -n "$why" ]; then
    skip=$((skip+1)); echo "SKIP $target/$name: $why"; return
  fi
  out="$log/$(echo "$name" | tr '/' '_').log"
  if [ -n "$QEMU" ] && [ "$2" = 1 ]; then
    set -- "$QEMU" -L "$SYSROOT" -E LD_LIBRARY_PATH="$SYSROOT/lib" -E LD_PRELOAD="$SO" "$3"
  elif [ -n "$QEMU" ]; then
    set -- "$QEMU" -L "$SYSROOT" -E LD_LIBRARY_PATH="$SYSROOT/lib" "$3"
  elif [ "$2" = 1 ]; then
    set -- env LD_PRELOAD="$SO" "$3"
  else
    set -- "$3"
  fi
  timeout -k 10 "$TMO" "$@" >"$out" 2>&1 </dev/null
  rc=$?
  if [ $rc -eq 0 ]; then
    pass=$((pass+1)); echo "PASS $target/$name"
  elif [ $rc -eq 77 ]; then
    skip=$((skip+1)); echo "SKIP $target/$name: $(tail -n 1 "$out")"
  else
    fail=$((fail+1)); failed="$failed $name"
    echo "FAIL $target/$name (exit $rc): see $out"
    tail -n 15 "$out" | sed 's/^/    | /'
  fi
}

for t in "$B"/tests/unit/*; do [ -x "$t" ] && run_one "unit/${t##*/}" 0 "$t"; done
for t in "$B"/tests/preload/*; do [ -x "$t" ] && run_one "preload/${t##*/}" 1 "$t"; done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$target: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
