# scen-A.sh: scenario A, the seed 000 analog (adapted from ../shared/vm/scen-movable.sh).
# Most RAM is ZONE_MOVABLE (movablecore=, x86's stand-in for CMA, which Debian's
# amd64 kernel lacks). Pipe pages (unmovable) pin DMA and DMA32 down to min +
# lowmem_reserve + margin; the leaking daemon's next page-table page (order 0,
# GFP_KERNEL, __pte_alloc) cannot use Movable, so the kernel OOM-kills it while
# hundreds of MB are free. Knobs: margin=PAGES (vmtest.sh passes 192) rounds=N.
. /bin/lib.sh
M=$(arg margin); M=${M:-32}
R=$(arg rounds); R=${R:-120}   # 460 MB: past the ~375 MB the unprotected daemon reaches
snap boot
start_daemon "$R" 0 0
STOP=$(awk -v m="$M" '/^Node/{z=$4} /^ +min /{mn[z]=$2} /protection:/{gsub(/[(),]/," "); p[z]=$4} END{print mn["DMA"]+p["DMA"]+mn["DMA32"]+p["DMA32"]+m}' /proc/zoneinfo)
echo "pinning DMA+DMA32 down to $STOP free pages (min + lowmem_reserve + margin $M)"
mkfifo /tmp/rdy
fragguard fragment --zones DMA,DMA32 --floor $((STOP * 4096)) --keep-until /tmp/go \
  --watch "$DPID" --hold --ready /tmp/rdy --interval 500 pipes > /tmp/frag.log 2>&1 &
FPID=$!
read x < /tmp/rdy
while read -r l; do echo "$l"; done < /proc/vmstat > /out/vmstat-go.txt   # builtins: no fork
echo go > /tmp/go         # no fork from here on until the daemon is gone
wait $DPID
echo "DAEMON EXIT STATUS $? (137 = SIGKILL, e.g. OOM killer)"
wait $FPID                # the fragmenter exits, releasing everything, when the daemon is gone
finish
