# scen-B.sh: scenario B, the seed 001 analog (adapted from ../shared/vm/scen-splice.sh).
# `fragguard fragment pinned --eat-blocks`: fill RAM with anonymous pages,
# vmsplice every even page into pipes (compaction cannot migrate them), unmap,
# then hold every remaining order >= 1 block: ~40% of RAM free, all order 0.
# The daemon fork+execs /bin/true, then leaks, every round: fork needs an order-1
# page directory (pgd_alloc; PTI), compaction cannot make one: OOM kill.
# While memory is fragmented the harness uses shell builtins only: any fork
# would itself need an order-1 page directory. Knobs: rounds=N margin=PAGES.
. /bin/lib.sh
R=$(arg rounds); R=${R:-10}   # 40 MB of leak: the fork, not exhaustion, is what B is about
M=$(arg margin); M=${M:-256}
snap boot
echo 0 > /proc/sys/vm/watermark_boost_factor   # no boosted watermarks: a deterministic fill level
start_daemon "$R" 0 1
LEAVE=$(awk -v m="$M" '/^Node/{z=$4} /^ +low /{lo[z]=$2} /protection:/{gsub(/[(),]/," "); p[z]=$4} END{print lo["DMA"]+p["DMA"]+lo["DMA32"]+p["DMA32"]+m}' /proc/zoneinfo)
echo "pinned fragmenter: fill until MemFree <= $LEAVE pages, then eat order>=1 blocks"
mkfifo /tmp/rdy
fragguard fragment --floor $((LEAVE * 4096)) --floor-field MemFree --eat-blocks --keep-until /tmp/go \
  --watch "$DPID" --hold --ready /tmp/rdy --interval 500 pinned > /tmp/frag.log 2>&1 &
FPID=$!
read x < /tmp/rdy         # builtin: no fork while memory is fragmented
go                        # no fork from here on until the daemon is gone
wait $DPID
echo "DAEMON EXIT STATUS $? (137 = SIGKILL, e.g. OOM killer)"
wait $FPID
finish
