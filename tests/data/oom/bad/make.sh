#!/bin/sh
# Generate the garbled-input corpus for fragguard explain robustness tests
# from the real reports in ..  Deterministic: same input, same output.
# Usage: sh tests/data/oom/bad/make.sh [OUTDIR]   (default: this directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
out=${1:-$here}
mkdir -p "$out"

# 1. truncated: cut mid-report (at 40% of the lines, and mid-line at a byte offset)
for f in vm_A_zone_restricted.log lkml_2.6.24_x86_highmem_exhausted.log \
         lkml_4.1_arm64_android_order2_highorder_watermark.log blog_5.4_arm64_64k_cma_panic.log; do
    n=$(wc -l < "$src/$f")
    head -n $((n * 2 / 5)) "$src/$f" > "$out/trunc_lines_${f%.*}.log"
    sz=$(wc -c < "$src/$f")
    head -c $((sz * 3 / 5 + 7)) "$src/$f" > "$out/trunc_bytes_${f%.*}.log"
done

# 2. interleaved: two reports' lines alternated, with foreign kernel messages between
awk 'BEGIN { i = 0 }
     FNR == NR { a[na++] = $0; next }
     { b[nb++] = $0 }
     END {
       n = (na > nb) ? na : nb
       for (i = 0; i < n; i++) {
         if (i < na) print a[i]
         if (i % 3 == 0) print "[ 9999.000001] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex"
         if (i < nb) print b[i]
         if (i % 5 == 0) print "[ 9999.000002] audit: type=1400 audit(1.0:1): apparmor=\"DENIED\" operation=\"open\""
       }
     }' "$src/vm_B_no_free_block.log" "$src/lkml_3.19_x86_64_panic_exhausted.log" \
     > "$out/interleaved_vmB_chinner.log"
awk 'FNR == NR { a[na++] = $0; next }
     { b[nb++] = $0 }
     END { n = (na > nb) ? na : nb
           for (i = 0; i < n; i++) { if (i < na) print a[i]; if (i < nb) print b[i] } }' \
     "$src/lkml_2.6.31_x86_e100_order5_no_free_block.log" "$src/lkml_5.2_x86_64_memcg_limit.log" \
     > "$out/interleaved_e100_memcg.log"

# 3. binary garbage: NULs, high bytes and random bytes spliced into real reports
head -c 4096 /dev/zero > "$out/zeros.bin"
awk 'BEGIN { srand(42); for (i = 0; i < 8192; i++) printf "%c", int(rand() * 256) }' \
    > "$out/random.bin" 2>/dev/null || true
{ head -n 20 "$src/vm_A_zone_restricted.log"
  head -c 512 "$out/random.bin"
  tail -n +21 "$src/vm_A_zone_restricted.log"; } > "$out/garbage_spliced_vmA.log"
# every 7th line of a report replaced by bytes 0x00-0x1f and 0x80-0xff
awk 'NR % 7 == 0 { printf "\001\002\000\033[31m\377\376\200 %s\n", substr($0, 1, 20); next } { print }' \
    "$src/lkml_2.6.24_x86_highmem_exhausted.log" > "$out/garbage_ctrl_highmem.log"
# a report with CRLF line ends and no final newline
sed 's/$/\r/' "$src/lkml_5.2_x86_64_memcg_limit.log" | head -c -1 > "$out/crlf_memcg.log"
# very long line (~64 KiB) in the middle of a report
{ head -n 30 "$src/lkml_4.10_x86_64_snipped_panic.log"
  awk 'BEGIN { s = "Node 0 DMA32 free:"; for (i = 0; i < 6500; i++) s = s "9999999999"; print s "kB" }'
  tail -n +31 "$src/lkml_4.10_x86_64_snipped_panic.log"; } > "$out/longline_tetsuo.log"
# numbers that overflow 64 bits
sed 's/free:44636kB/free:99999999999999999999999kB/; s/min:44672kB/min:-5kB/' \
    "$src/lkml_4.10_x86_64_snipped_panic.log" > "$out/overflow_tetsuo.log"
# empty file
: > "$out/empty.log"
