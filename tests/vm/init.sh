#!/bin/sh
# init.sh: PID 1 of the VM tests' machine (adapted from ../shared/vm/init.sh).
# Runs /bin/scen-<scenario>.sh (scenario=NAME on the kernel command line) with
# its output on the second serial port, then writes /out (kernel log, vmstat,
# the shim's reports) as a tar stream to the third serial port and powers off.
# Every process it starts inherits oom_score_adj -1000; only the daemon under
# test sets 0, so it is the one the OOM killer can choose.
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo -1000 > /proc/self/oom_score_adj
[ -c /dev/ttyS1 ] && exec >/dev/ttyS1 2>&1
mkdir -p /out/reports /tmp
echo "INIT uptime $(cut -d' ' -f1 /proc/uptime)s cmdline: $(cat /proc/cmdline)"
S=$(sed -n 's/.*scenario=\([^ ]*\).*/\1/p' /proc/cmdline)
T=$(sed -n 's/.*testtimeout=\([0-9]*\).*/\1/p' /proc/cmdline)
cat /proc/vmstat > /out/vmstat-boot.txt
timeout "${T:-240}" sh "/bin/scen-$S.sh"
echo "TEST-DONE scenario=$S rc=$? uptime $(cut -d' ' -f1 /proc/uptime)s"
cat /proc/vmstat > /out/vmstat-end.txt
dmesg > /out/dmesg.txt
if [ -c /dev/ttyS2 ]; then
  stty -F /dev/ttyS2 raw -echo 2>/dev/null
  (cd /out && tar cf - .) > /dev/ttyS2
  sleep 1                 # let the UART drain before the power goes
fi
sync; poweroff -f
