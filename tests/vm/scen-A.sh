# scen-A.sh: scenario A, the seed 000 analog (adapted from ../shared/vm/scen-movable.sh).
# Most RAM is ZONE_MOVABLE (movablecore=, x86's stand-in for CMA, which Debian's
# amd64 kernel lacks). Pipe pages (unmovable) pin DMA and DMA32 down to min +
# lowmem_reserve + margin; the leaking daemon's next page-table page (order 0,
# GFP_KERNEL, __pte_alloc) cannot use Movable, so the kernel OOM-kills it while
# hundreds of MB are free. Knobs: margin=PAGES (vmtest.sh passes 192) rounds=N
# boost=1.
# No watermark boosting unless boost=1 (as in B and C; the seeds' kernels
# predate it): a page-table page that steals from a movable pageblock raises
# DMA32's watermarks by a pageblock (512 pages, more than the whole margin)
# until kswapd's next pass, and once kswapd has given up on the node (16
# passes that reclaimed nothing: node_unreclaimable) for the rest of the boot.
# Whether and when a steal happens depends on which pageblocks the pins left
# free, so one boot's daemon met DMA32 min 191 throughout and another's min
# 703 after 75 MB: not the same machine twice.
# Short per-CPU free lists (high 4 batches: 12 pages in DMA32 instead of up
# to its low watermark, 75): pages parked there at go are not counted as free,
# yet the kernel drains them into the zone before it OOM-kills, so the
# unprotected daemon gets them on top of the margin. Their number at go varied
# from 13 to 42 pages, the unprotected leak with it from 366 to 434 MB.
. /bin/lib.sh
M=$(arg margin); M=${M:-32}
R=$(arg rounds); R=${R:-120}   # 460 MB: past the ~375 MB the unprotected daemon reaches
[ "$(arg boost)" = 1 ] || echo 0 > /proc/sys/vm/watermark_boost_factor
echo 1000000 > /proc/sys/vm/percpu_pagelist_high_fraction
snap boot
start_daemon "$R" 0 0
STOP=$(awk -v m="$M" '/^Node/{z=$4} /^ +min /{mn[z]=$2} /protection:/{gsub(/[(),]/," "); p[z]=$4} END{print mn["DMA"]+p["DMA"]+mn["DMA32"]+p["DMA32"]+m}' /proc/zoneinfo)
echo "pinning DMA+DMA32 down to $STOP free pages (min + lowmem_reserve + margin $M)"
mkfifo /tmp/rdy
fragguard fragment --zones DMA,DMA32 --floor $((STOP * 4096)) --keep-until /tmp/go \
  --watch "$DPID" --hold --ready /tmp/rdy --interval 500 pipes > /tmp/frag.log 2>&1 &
FPID=$!
read x < /tmp/rdy
go                        # no fork from here on until the daemon is gone
wait $DPID
echo "DAEMON EXIT STATUS $? (137 = SIGKILL, e.g. OOM killer)"
wait $FPID                # the fragmenter exits, releasing everything, when the daemon is gone
finish
