# report_html.t: `fragguard report --html FILE` writes one self-contained page
# (no script, no external URL) that headless Chromium renders: the dumped DOM
# holds the four charts with their bars and one line per order, and a
# screenshot is a PNG with real content (not blank). Skips when Debian's
# chromium is absent.
cd "${FG_TOP:?}" || exit 2
cli=${FG_CLI:?}
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
data=tests/data/reports

"$cli" report --html "$tmp/page.html" $data/basic >"$tmp/out" 2>"$tmp/err" || { bad "exit"; cat "$tmp/err"; }
[ -s "$tmp/out" ] && bad "--html alone printed to stdout"
h=$tmp/page.html
[ "$(grep -c '<svg class="chart"' "$h")" -eq 4 ] || bad "expected 4 charts in the page"
grep -qi '<script\|src=\|href=\|@import\|url(' "$h" && bad "page refers to something outside itself"
grep -q 'xmlns="http://www.w3.org/2000/svg"' "$h" || bad "no SVG namespace"
# Text from reports is escaped.
mkdir -p "$tmp/odd"
sed 's/"program": "python3"/"program": "<b>x<\/b>"/' $data/basic/python3.4242.json >"$tmp/odd/x.json"
"$cli" report --html "$tmp/odd.html" "$tmp/odd" || bad "odd exit"
grep -q '<b>x' "$tmp/odd.html" && bad "program name not escaped"
grep -q '&lt;b&gt;x' "$tmp/odd.html" || bad "escaped name missing"
# With --json too: the page, and the JSON on stdout.
"$cli" report --json --html "$tmp/p2.html" $data/basic >"$tmp/j" || bad "--json --html exit"
[ -s "$tmp/p2.html" ] && grep -q '"schema": "fragguard-summary/1"' "$tmp/j" || bad "--json --html outputs"

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  [ $fail -eq 0 ] || exit 1
  echo "skip: chromium not installed (Debian package chromium; 'sudo make deps'); static checks passed"
  exit 77
fi
prof=$tmp/profile
flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --hide-scrollbars --user-data-dir=$prof"
timeout 120 "$chrome" $flags --dump-dom "file://$h" >"$tmp/dom" 2>"$tmp/chrome.err" || { bad "chromium --dump-dom failed"; tail -5 "$tmp/chrome.err"; }
n=$(grep -o '<svg class="chart"' "$tmp/dom" | wc -l)
[ "$n" -eq 4 ] || bad "rendered DOM has $n charts, want 4"
n=$(grep -o '<g class="bar">' "$tmp/dom" | wc -l)
# 4 processes in each of two bar charts, 2 programs with huge-page data.
[ "$n" -eq 10 ] || bad "rendered DOM has $n bars, want 10"
n=$(grep -o '<polyline class="order"' "$tmp/dom" | wc -l)
[ "$n" -eq 11 ] || bad "rendered DOM has $n order lines, want 11"
timeout 120 "$chrome" $flags --window-size=1100,2000 --screenshot="$tmp/page.png" "file://$h" >/dev/null 2>"$tmp/chrome.err" ||
  { bad "chromium --screenshot failed"; tail -5 "$tmp/chrome.err"; }
if command -v python3 >/dev/null; then
  python3 - "$tmp/page.png" <<'PY' || bad "screenshot is not a picture with content"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w, h, ct = 8, b"", 0, 0, 0
while pos < len(d):
    n, t = struct.unpack(">I4s", d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, bd, ct = struct.unpack(">IIBB", body[:10])
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}[ct]
# Unfilter enough rows to count the colours drawn (Sub/Up/Avg/Paeth).
prev, colours, dark = bytearray(w * bpp), set(), 0
for y in range(h):
    row = raw[y * (w * bpp + 1):(y + 1) * (w * bpp + 1)]
    f, cur = row[0], bytearray(row[1:])
    for i in range(len(cur)):
        a = cur[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: cur[i] = (cur[i] + a) & 255
        elif f == 2: cur[i] = (cur[i] + b) & 255
        elif f == 3: cur[i] = (cur[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 2):
            px = bytes(cur[x * bpp:x * bpp + 3])
            colours.add(px)
            dark += sum(px) < 600
    prev = cur
print("screenshot %dx%d: %d colours, %d dark samples" % (w, h, len(colours), dark))
assert w > 0 and len(colours) > 20 and dark > 1000, "blank"
PY
else
  [ "$(wc -c <"$tmp/page.png")" -gt 20000 ] || bad "screenshot too small"
fi
[ $fail -eq 0 ] && echo "report_html: all checks passed (chromium rendered 4 charts)"
exit $fail
