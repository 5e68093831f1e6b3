# scen-C.sh: scenario C, compaction helps. `fragguard fragment movable` fills
# RAM with anonymous pages and frees every other one: plenty free, but no free
# block of order 9, and every page is movable, so compaction can build them.
# Huge pages are on for everyone (transparent_hugepage/enabled always: the
# kernel turns them off by default below 512 MiB), fault-time compaction for
# them is off (defrag never) and so is proactive compaction: only an explicit
# compaction (the shim's, as root) makes a 2 MiB block. The daemon leaks 4 MiB blocks (each one
# its own mapping under glibc and under the shim, room for a huge page); its
# heap's huge pages (AnonHugePages) and /proc/vmstat show what was served.
# Knobs: rounds=N margin=PAGES.
. /bin/lib.sh
R=$(arg rounds); R=${R:-6}
M=$(arg margin); M=${M:-256}
MFK=$(cat /proc/sys/vm/min_free_kbytes)
echo always > /sys/kernel/mm/transparent_hugepage/enabled
echo "$MFK" > /proc/sys/vm/min_free_kbytes   # enabling THP raised it: keep the boot watermarks
echo never > /sys/kernel/mm/transparent_hugepage/defrag
echo 0 > /proc/sys/vm/compaction_proactiveness
echo 0 > /proc/sys/vm/watermark_boost_factor
snap boot
start_daemon "$R" 0 0 2 4194304   # 4 MiB blocks: glibc maps each alone, a huge page fits
LEAVE=$(awk -v m="$M" '/^Node/{z=$4} /^ +low /{lo[z]=$2} /protection:/{gsub(/[(),]/," "); p[z]=$4} END{print lo["DMA"]+p["DMA"]+lo["DMA32"]+p["DMA32"]+m}' /proc/zoneinfo)
echo "movable fragmenter: fill until MemFree <= $LEAVE pages, free every other page"
mkfifo /tmp/rdy
fragguard fragment --floor $((LEAVE * 4096)) --floor-field MemFree \
  --watch "$DPID" --hold --ready /tmp/rdy --interval 500 movable > /tmp/frag.log 2>&1 &
FPID=$!
read x < /tmp/rdy
go
wait $DPID
echo "DAEMON EXIT STATUS $? (137 = SIGKILL, e.g. OOM killer)"
wait $FPID
finish
