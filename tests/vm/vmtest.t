#!/bin/sh
# vmtest.t: the VM scenarios (tests/vm/vmtest.sh) as part of `make test`.
# Skips (77, with the reason) when qemu-system-x86_64, busybox-static or cpio
# is missing or no kernel can be fetched; otherwise boots every scenario
# without and with the shim (about 2-3 minutes under TCG on 2 cores) and
# fails when a check fails. It leaves docs/vm-results.md alone (make vmtest
# regenerates it). FG_VM_SKIP=1 skips it on purpose.
[ "${FG_VM_SKIP:-0}" = 1 ] && { echo "FG_VM_SKIP=1"; exit 77; }
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
VMTEST_DOCS=0 exec sh "$top/tests/vm/vmtest.sh"
