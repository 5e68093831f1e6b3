#!/bin/sh
# variants.t: the semantic and stress tests again under each configuration
# that switches the shim onto another code path (no thread cache, no
# pre-faulting, no huge pages, a larger chunk, other large thresholds, no
# retention, everything passed through to glibc). Keys: config/default.conf.
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
B=${FG_BUILD:-$top/build}
so=${FG_SO:-$B/libfragguard.so}
[ -f "$so" ] || { echo "shim not built: $so"; exit 77; }
bin=$B/tests/preload
for t in semantics alignment foreign stress_threads signals dlopen; do
  [ -x "$bin/$t" ] || { echo "$bin/$t not built (make test builds it)"; exit 77; }
done
rc=0
run() { # "KEY=VALUE ..." TEST [ARGS]
  vars=$1; shift
  out=$(env $vars LD_PRELOAD="$so" "$bin/$@" 2>&1)
  st=$?
  if echo "$out" | grep -q '^fragguard: .*not valid'; then
    echo "FAIL: the shim rejected $vars (fix this test's value):"
    echo "$out" | grep '^fragguard: ' | head -n 2 | sed 's/^/  | /'
    rc=1
  elif [ $st -ne 0 ]; then
    echo "FAIL with $vars: $* (exit $st):"
    echo "$out" | tail -n 8 | sed 's/^/  | /'
    rc=1
  fi
}
for vars in FRAGGUARD_TCACHE=0 FRAGGUARD_PREFAULT=0 FRAGGUARD_THP=0 \
            FRAGGUARD_CHUNK=8M FRAGGUARD_LARGE=256K FRAGGUARD_LARGE=32M \
            "FRAGGUARD_RETAIN=0 FRAGGUARD_RELEASE_MS=1 FRAGGUARD_TRIM_IDLE_MS=1" \
            FRAGGUARD_RESERVE=64M FRAGGUARD_DISABLE=1; do
  run "$vars" semantics
  run "$vars" alignment
  run "$vars" foreign
  run "$vars" dlopen 50
  run "$vars" stress_threads 400000
  run "$vars" signals 0.3
  [ $rc = 0 ] && echo "ok: $vars"
done
exit $rc
