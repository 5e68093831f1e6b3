# lib.sh: helpers the VM tests' scenario scripts source (in the guest, busybox
# sh). Adapted from ../shared/vm/lib.sh. Kernel command line knobs: arg NAME.

# arg NAME: the value of NAME=... on the kernel command line (empty if absent)
arg() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

SHIM=$(arg shim); PROFILE=$(arg profile); RESERVE=$(arg reserve)

# snap LABEL: free memory, buddyinfo, per-zone watermarks, compaction counters
snap() {
  echo "---- SNAP $1 @ $(cut -d' ' -f1 /proc/uptime)s"
  grep -E '^(MemTotal|MemFree|MemAvailable|AnonPages|PageTables|Slab|SUnreclaim|KernelStack|Shmem):' /proc/meminfo | tr -s ' ' | tr '\n' ';'; echo
  cat /proc/buddyinfo
  awk '/^Node/{z=$4} /^ +pages free/{f=$3} /^ +min /{mn=$2} /^ +low /{lo=$2} /^ +high /{hi=$2} /^ +managed/{m=$2; printf "zone %-8s free %6d min %5d low %5d high %5d managed %6d\n", z, f, mn, lo, hi, m}' /proc/zoneinfo
  grep -E '^(compact_stall|compact_fail|compact_success|compact_migrate_scanned|compact_free_scanned|compact_isolated|oom_kill|thp_fault_alloc|thp_fault_fallback) ' /proc/vmstat | tr '\n' ' '; echo
}

# start_daemon ARGS...: the daemon under test, waiting for /tmp/go, the only
# OOM-killable process; with shim=1 under the shim (profile=NAME picks
# /etc/fragguard/NAME.conf, reserve=SIZE sets FRAGGUARD_RESERVE), reports in
# /out/reports. Sets DPID.
start_daemon() {
  rm -f /tmp/go
  (
    echo 0 > /proc/self/oom_score_adj
    export GO_FILE=/tmp/go
    if [ "$SHIM" = 1 ]; then
      export LD_PRELOAD=/lib/fragguard/libfragguard.so FRAGGUARD_REPORT=/out/reports
      [ -n "$PROFILE" ] && export FRAGGUARD_CONFIG=/etc/fragguard/$PROFILE.conf
      [ -n "$RESERVE" ] && export FRAGGUARD_RESERVE=$RESERVE
      echo "daemon under the shim: config ${FRAGGUARD_CONFIG:-none} reserve ${FRAGGUARD_RESERVE:-0}"
    fi
    exec /bin/daemon "$@"
  ) &
  DPID=$!
}

# go: the kernel's state at go (/out/vmstat-go.txt, /out/zoneinfo-go.txt),
# then /tmp/go for the daemon. Builtins only: while memory is fragmented a
# fork may itself need a page the scenario has taken away.
go() {
  while IFS= read -r l; do echo "$l"; done < /proc/vmstat > /out/vmstat-go.txt
  while IFS= read -r l; do echo "$l"; done < /proc/zoneinfo > /out/zoneinfo-go.txt
  echo go > /tmp/go
}

# finish: after the daemon and the fragmenter are gone
finish() {
  cat /tmp/frag.log
  snap after
  cat /proc/vmstat > /out/vmstat-after.txt
  cat /proc/zoneinfo > /out/zoneinfo-after.txt
  dmesg | grep -E 'invoked oom-killer|Out of memory|Killed process|oom-kill:' | head
}
