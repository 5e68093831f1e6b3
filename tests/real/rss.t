#!/bin/sh
# rss.t: small programs do not pay for the shim: peak RSS (VmHWM, via
# /usr/bin/time -f %M) of ls (and ls -la /usr/bin, a little more malloc),
# sh -c true and python3 -c pass is at most
# 2 MiB more with the shim than without. Each is measured 5 times; the
# smallest of each side is compared (the noise is all upward).
. "$(dirname "$0")/common.sh"
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (package time)"; exit 77; }
PY=$(py3)
limit=2048

peak() { # with|without CMD...
  mode=$1; shift
  best=
  for i in 1 2 3 4 5; do
    if [ "$mode" = with ]; then
      r=$(/usr/bin/time -f '%x %M' env LD_PRELOAD="$so" "$@" 2>&1 >/dev/null | tail -n 1)
    else
      r=$(/usr/bin/time -f '%x %M' env -u LD_PRELOAD "$@" 2>&1 >/dev/null | tail -n 1)
    fi
    # A run that failed (the shim did not load, ...) measures nothing.
    case "$r" in
    "0 "*) kb=${r#0 } ;;
    *) echo "error: exit status and peak RSS: $r"; return ;;
    esac
    case "$kb" in ''|*[!0-9]*) echo "error: cannot parse: $r"; return ;; esac
    if [ -z "$best" ] || [ "$kb" -lt "$best" ]; then best=$kb; fi
  done
  echo "$best"
}

rc=0
check() { # NAME CMD...
  name=$1; shift
  a=$(peak without "$@")
  b=$(peak with "$@")
  case "$a$b" in *error*)
    echo "FAIL $name: did not run cleanly; without the shim: $a; with: $b"; rc=1; return ;;
  esac
  d=$((b - a))
  if [ $d -le $limit ]; then
    echo "$name: peak RSS $a KiB, with the shim $b KiB (+$d KiB, limit +$limit)"
  else
    echo "FAIL $name: peak RSS $a KiB, with the shim $b KiB: +$d KiB > +$limit KiB"
    rc=1
  fi
}
check ls ls "$top"
check "ls -la /usr/bin" ls -la /usr/bin
check "sh -c true" sh -c true
if [ -n "$PY" ]; then check "python3 -c pass" "$PY" -c pass; else echo "python3 not installed: not measured"; fi
exit $rc
