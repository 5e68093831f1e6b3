#!/bin/sh
# splice.sh FILE NAME NEW: replaces the lines strictly between the marker lines
# "<!-- NAME: ... -->" and "<!-- /NAME -->" of FILE with the contents of the
# file NEW. The markers and everything outside them are kept byte for byte.
# FILE is replaced atomically (a temporary file in its directory, then a
# rename, keeping its mode); if FILE changes while the new one is being
# written, the splice starts again from the new FILE (at most 3 times).
# Exit: 0 replaced or already up to date (prints which), 1 the markers are
# missing, repeated or out of order, or FILE cannot be written (FILE is then
# untouched; the reason on stderr).
set -u
file=$1; name=$2; new=$3
begin="<!-- $name:"; end="<!-- /$name -->"
dir=$(dirname "$file")
[ -f "$file" ] && [ -f "$new" ] || { echo "splice: no such file: $file or $new" >&2; exit 1; }
tries=0
while :; do
  tries=$((tries + 1))
  snap=$(mktemp "$dir/.splice.XXXXXX") || exit 1
  tmp=$(mktemp "$dir/.splice.XXXXXX") || { rm -f "$snap"; exit 1; }
  trap 'rm -f "$snap" "$tmp"' EXIT
  cp -p "$file" "$snap" || exit 1
  b=$(grep -c -e "^$begin" "$snap"); e=$(grep -c -x -F -e "$end" "$snap")
  bl=$(grep -n -e "^$begin" "$snap" | head -n 1 | cut -d: -f1)
  el=$(grep -n -x -F -e "$end" "$snap" | head -n 1 | cut -d: -f1)
  if [ "$b" != 1 ] || [ "$e" != 1 ] || [ "$bl" -ge "$el" ]; then
    echo "splice: $file needs exactly one '$begin ... -->' line, then one '$end' line (found $b and $e, begin on line ${bl:-none}, end on line ${el:-none})" >&2
    exit 1
  fi
  cp -p "$snap" "$tmp" &&
    { head -n "$bl" "$snap"; cat "$new"; tail -n +"$el" "$snap"; } > "$tmp" || exit 1
  if cmp -s "$tmp" "$snap"; then echo "splice: $file is up to date"; exit 0; fi
  if cmp -s "$snap" "$file"; then
    mv -f "$tmp" "$file" || exit 1
    echo "splice: $file updated between its $name markers"
    exit 0
  fi
  rm -f "$snap" "$tmp"
  [ "$tries" -lt 3 ] || { echo "splice: $file keeps changing; not updated" >&2; exit 1; }
done
