#!/bin/sh
# fragguard explain: every report listed in tests/data/oom/MANIFEST gives its
# expected cause, order, task, victim and the "A<=B" comparisons of its key
# numbers (in --json); the text output of a few reports matches the goldens in
# tests/data/golden/explain/; garbled inputs, empty and missing files and bad
# options give clean exit codes (0/1/2) and never crash.
cli=${FG_CLI:?FG_CLI not set}; top=${FG_TOP:?FG_TOP not set}
cd "$top" || exit 1
[ -x "$cli" ] || { echo "skip: $cli not built"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skip: jq not installed"; exit 77; }
fails=0; checks=0
fail() { echo "FAIL: $*"; fails=$((fails+1)); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

man=tests/data/oom/MANIFEST
[ -f "$man" ] || { echo "skip: no $man"; exit 77; }
tab=$(printf '\t')
grep -v '^#' "$man" | while IFS="$tab" read -r f cause kernel arch order gfp task victim keys rest; do
  [ -n "$f" ] || continue
  out=$tmp/out.json
  "$cli" explain --json "tests/data/oom/$f" >"$out" 2>"$tmp/err"; rc=$?
  checks=$((checks+1))
  [ $rc -eq 0 ] || { fail "$f: exit $rc: $(cat "$tmp/err")"; continue; }
  got=$(jq -r '.reports[0].cause' "$out")
  [ "$got" = "$cause" ] || fail "$f: cause $got, expected $cause"
  case "$order" in [0-9]*) o=$(jq -r '.reports[0].request.order' "$out")
    [ "$o" = "$order" ] || fail "$f: order $o, expected $order";; esac
  case "$task" in ''|'?'*|'-'*) ;; *) t=$(jq -r '.reports[0].request.task' "$out")
    [ "$t" = "$task" ] || fail "$f: task '$t', expected '$task'";; esac
  case "$victim" in ''|'?'*|'-'*) ;; *)
    jq -e --arg v "$victim" '[.reports[].victim | (.comm // .chosen_comm)] | index($v) != null' "$out" >/dev/null ||
      fail "$f: victim $victim not found";; esac
  # Every "A<=B" of the key numbers must be one of the printed comparisons.
  for pair in $(printf '%s\n' "$keys" | grep -oE -- '-?[0-9]+<=-?[0-9]+'); do
    a=${pair%%<=*}; b=${pair##*<=}
    jq -e --argjson a "$a" --argjson b "$b" \
      '[.reports[].zones[] | ((.checks // []) + (.loop // []))[] | select(.lhs == $a and .rhs == $b)] | length > 0' \
      "$out" >/dev/null || fail "$f: comparison $a <= $b not in the output"
  done
  [ $fails -eq 0 ] || echo "$fails" >"$tmp/failed"
  echo "ok $f ($got)"
done
[ -f "$tmp/failed" ] && fails=$(cat "$tmp/failed")

# Golden text outputs.
for g in tests/data/golden/explain/*.txt; do
  [ -f "$g" ] || continue
  name=$(basename "$g" .txt)
  src=$(ls tests/data/oom/"$name".* 2>/dev/null | head -n 1)
  [ -n "$src" ] || { fail "golden $name: no source log"; continue; }
  "$cli" explain "$src" >"$tmp/g.txt" 2>&1
  if ! cmp -s "$g" "$tmp/g.txt"; then
    fail "golden $name differs:"; diff "$g" "$tmp/g.txt" | head -n 20
  else echo "ok golden $name"; fi
done

# One report in every dmesg and journalctl layout: the same analysis as the
# plain dmesg text (the first line names the file and its line numbers).
ref=tests/data/oom/local_6.18_x86_64_memcg_v1.log
"$cli" explain "$ref" 2>&1 | tail -n +2 >"$tmp/ref.txt"
grep -q 'Cause: memcg_limit' "$tmp/ref.txt" || fail "layouts: the reference is not memcg_limit"
n=0
for f in tests/data/oom/formats/*.log; do
  [ -f "$f" ] || continue
  "$cli" explain "$f" 2>&1 | tail -n +2 >"$tmp/fmt.txt"
  n=$((n+1))
  cmp -s "$tmp/ref.txt" "$tmp/fmt.txt" ||
    { fail "layout $(basename "$f") reads differently:"; diff "$tmp/ref.txt" "$tmp/fmt.txt" | head -n 8; }
done
[ $n -ge 21 ] || fail "layouts: only $n files in tests/data/oom/formats"
echo "ok $n log layouts"

# Bad inputs: exit 0 or 1, never a crash or a sanitizer report.
for b in tests/data/oom/bad/*; do
  case "$b" in *.sh) continue;; esac
  "$cli" explain "$b" >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -le 1 ] || fail "bad input $b: exit $rc"
  grep -q 'Sanitizer\|runtime error' "$tmp/e" && fail "bad input $b: sanitizer report"
  "$cli" explain --json "$b" >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -le 1 ] || fail "bad input $b (--json): exit $rc"
  if [ $rc -eq 0 ] && ! jq -e '.count >= 1' "$tmp/o" >/dev/null; then fail "bad input $b: invalid JSON"; fi
done
# Control bytes in a log (a hostile task name, a damaged capture) never reach
# the terminal: no C0/C1 control or invalid UTF-8 byte in the text output
# of any bad input, nor of a report whose task and victim names carry ESC,
# a raw CSI (0x9b) and an encoded C1 (U+009B).
printf '[ 1.0] bad\033[31m\233x\302\233\340\202\233\355\240\200 invoked oom-killer: gfp_mask=0xd0, order=0\n[ 1.1] Normal free:100kB min:400kB low:500kB high:600kB present:9000kB managed:9000kB\n[ 1.2] Killed process 7 (ev\033]0;il\007) total-vm:1kB\n' >"$tmp/ctl.log"
for b in tests/data/oom/bad/* "$tmp/ctl.log"; do
  case "$b" in *.sh) continue;; esac
  "$cli" explain "$b" >"$tmp/ctlout" 2>/dev/null
  # Invalid UTF-8 (raw C1 bytes, overlong forms, surrogates): iconv refuses.
  iconv -f UTF-8 -t UTF-8 "$tmp/ctlout" >/dev/null 2>&1 || fail "invalid UTF-8 in the output for $b"
  # C0 controls but tab/newline, DEL, and C1 controls encoded as UTF-8.
  LC_ALL=C.UTF-8 grep -naP '[\x00-\x08\x0b-\x1f\x7f\x{80}-\x{9f}]' "$tmp/ctlout" >"$tmp/ctl" 2>&1
  [ -s "$tmp/ctl" ] && fail "control characters in the output for $b: $(head -c 200 "$tmp/ctl" | od -c | head -3)"
done
"$cli" explain "$tmp/ctl.log" | grep -q "bad?\[31m?x???????? asked" ||
  fail "ctl.log: task name not shown with its control bytes replaced: $("$cli" explain "$tmp/ctl.log" | head -3)"
: >"$tmp/empty"
"$cli" explain "$tmp/empty" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] || fail "empty file: exit $rc"
grep -q "no OOM report found in" "$tmp/e" || fail "empty file: message '$(cat "$tmp/e")'"
# Android's lowmemorykiller kills are not kernel OOM reports: said so.
"$cli" explain tests/data/oom/bad/github_android_3.x_lowmemorykiller_only.log >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "lowmemorykiller' kills are Android's" "$tmp/e" ||
  fail "lowmemorykiller log: exit $rc, '$(cat "$tmp/e")'"
"$cli" explain --json "$tmp/empty" >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && jq -e '.count == 0 and .cause == null and .reports == []' "$tmp/o" >/dev/null ||
  fail "empty file --json: exit $rc, '$(head -c 200 "$tmp/o")' (want count 0, cause null)"
head -c 200000 /dev/urandom >"$tmp/rand"
"$cli" explain "$tmp/rand" >/dev/null 2>&1; rc=$?
[ $rc -le 1 ] || fail "random bytes: exit $rc"
"$cli" explain "$tmp/does-not-exist" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] || fail "missing file: exit $rc"
grep -q "cannot read" "$tmp/e" || fail "missing file: message '$(cat "$tmp/e")'"
"$cli" explain --bogus >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "bad option: exit $rc"
"$cli" explain --era 99 tests/data/oom/seed_000_cma_stranded.txt >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "bad --era: exit $rc"
"$cli" explain --help >/dev/null 2>&1 || fail "--help: exit $?"
"$cli" explain - <tests/data/oom/vm_A_zone_restricted.log >/dev/null 2>&1 || fail "stdin: exit $?"
# --era forces the rule: seed 001 under the 4.4 rules is granted (unknown cause).
c=$("$cli" explain --json --era 44 tests/data/oom/seed_001_highorder_watermark.txt | jq -r .cause)
[ "$c" = unknown ] || fail "--era 44 on seed 001: cause $c"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
