#!/bin/sh
# vmtest.t: the VM scenarios (tests/vm/vmtest.sh) as part of `make test`.
# Skips (77, the reason on the last line) when qemu-system-x86_64,
# busybox-static, cpio or apt-cache is missing, when QEMU cannot start a
# machine here at all, or when no kernel can be fetched (no Debian package
# lists, no network and nothing cached). Otherwise boots every scenario
# without and with the shim (about 2-3 minutes under TCG on 2 cores) and
# fails when any check fails, or when the shim or the tool was not built.
# It leaves docs/vm-results.md and README.md alone (make vmtest regenerates
# them). FG_VM_SKIP=1 skips it on purpose.
[ "${FG_VM_SKIP:-0}" = 1 ] && { echo "FG_VM_SKIP=1"; exit 77; }
top=${FG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
VMTEST_DOCS=0 exec sh "$top/tests/vm/vmtest.sh"
