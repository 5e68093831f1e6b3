#!/bin/sh
# php.t: PHP loads every extension with dlopen(RTLD_DEEPBIND) (PHP up to 8.4),
# which binds an extension's free to the C library's: it then frees the
# engine's blocks (the shim's) with glibc's free and aborts, as under every
# preloaded allocator, unless the shim drops the flag (KEEP_DEEPBIND=0, the
# default). The workload uses extensions' functions (json, ctype, mbstring
# where built, pcre, hashes) with the engine's own allocator off
# (USE_ZEND_ALLOC=0: every emalloc goes to malloc); the report counts the
# dropped flags. (KEEP_DEEPBIND=1 is tested in preload/dlopen.)
. "$(dirname "$0")/common.sh"
need php jq
cat >"$tmp/work.php" <<'PHP'
<?php
$s = 42;
function rnd() { global $s; $s = ($s * 1103515245 + 12345) % 2147483648; return $s; }
$a = [];
for ($i = 0; $i < 200000; $i++) { $a["k" . rnd() % 50000][] = str_repeat(chr(97 + $i % 26), $i % 40); }
ksort($a);
echo "keys ", count($a), " ", md5(serialize(array_slice($a, 0, 100))), "\n";
$j = json_encode(array_slice($a, 0, 2000));
$b = json_decode($j, true);
echo "json ", strlen($j), " ", count($b), "\n";
if (function_exists('ctype_alpha')) { echo "ctype ", ctype_alpha("abc") ? 1 : 0, ctype_digit("12a") ? 1 : 0, "\n"; }
else { echo "ctype not loaded\n"; }
preg_match_all('/k(\d{3})\b/', implode(" ", array_keys($a)), $m);
echo "pcre ", count($m[1]), "\n";
echo "sha ", hash('sha256', $j), "\n";
$objs = [];
for ($i = 0; $i < 50000; $i++) { $o = new stdClass; $o->id = $i; $o->v = rnd() % 1000; $objs[] = $o; }
usort($objs, fn($x, $y) => [$y->v, $x->id] <=> [$x->v, $y->id]);
echo "sorted ", $objs[0]->id, ",", $objs[1]->id, "\n";
PHP
rc=0
compare php env USE_ZEND_ALLOC=0 php "$tmp/work.php" || rc=1
compare php-default php "$tmp/work.php" || rc=1
# The report counts the dropped flags (one per extension php loaded).
rm -f "$tmp/r.json"
env FRAGGUARD_REPORT="$tmp/r.json" LD_PRELOAD="$so" php -r 'echo "x\n";' >/dev/null 2>&1
n=$(jq -r .shim.deepbind_dropped "$tmp/r.json" 2>/dev/null)
nmod=$(php -m 2>/dev/null | grep -c '^[a-zA-Z]')
echo "php: $nmod modules listed, $n dlopen(RTLD_DEEPBIND) flags dropped"
case "$n" in ''|null) echo "FAIL php: no report or no deepbind_dropped"; rc=1 ;; esac
exit $rc
