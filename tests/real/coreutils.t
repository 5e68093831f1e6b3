#!/bin/sh
# coreutils.t: a shell pipeline through awk, sort (external merge, 2 threads),
# uniq, tr, cut, join, grep and wc on 100k generated lines.
. "$(dirname "$0")/common.sh"
need awk sort uniq tr cut join grep wc md5sum paste
cat >"$tmp/work.sh" <<'SH'
set -e
awk 'BEGIN { s = 12345
  for (i = 0; i < 100000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; a = s
    s = (s * 1103515245 + 12345) % 2147483648; b = s
    w = substr("thequickbrownfoxjumpsoverthelazydog", a % 30 + 1, b % 6 + 2)
    printf "%06d,%s,%d,%s\n", i, w, b % 1000, (a % 3 ? "x" : "yy") w
  } }' >data.csv
wc -l -w -c <data.csv
sort -S 1M --parallel=2 -t, -k3,3n -k1,1 data.csv | md5sum
cut -d, -f2 data.csv | sort | uniq -c | sort -k1,1nr -k2 | head -15
tr 'a-z' 'A-Z' <data.csv | grep -c 'FOX'
awk -F, '{ s[$2] += $3; n[$2]++ } END { for (k in s) printf "%s %d %d\n", k, n[k], s[k] }' data.csv |
  sort | md5sum
sort -t, -k2,2 -u data.csv | wc -l
cut -d, -f1,2 data.csv | sort -t, -k1,1 >a.txt
cut -d, -f1,4 data.csv | sort -t, -k1,1 >b.txt
join -t, a.txt b.txt | sort -t, -k3 | md5sum
paste -d' ' a.txt b.txt | tr -s 'o' | sort -r | head -3
sort -R --random-source=data.csv data.csv | sort -c -t, -k1,1 2>/dev/null || echo "random order detected"
grep -E '^0+[1-9]{3},' data.csv | wc -l
SH
compare coreutils sh "$tmp/work.sh"
