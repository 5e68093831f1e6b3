#!/bin/sh
# nginx.t: nginx (master and 2 workers, loopback only, random port) serves a
# directory of 150 generated files, some gzip-compressed on the fly; curl
# fetches them all in one process and sha256sum checks every body against
# the file on disk. The transcript must be the same with and without the
# shim. The daemon is always stopped on exit.
. "$(dirname "$0")/common.sh"
need nginx curl sha256sum awk
PY=$(py3)
[ -n "$PY" ] || { echo "python3 not installed"; exit 77; }
cat >"$tmp/work.sh" <<SH
set -e
mkdir -p www/sub logs tmp
awk 'BEGIN { for (f = 0; f < 150; f++) {
  out = (f % 3 ? "www/" : "www/sub/") "f" f ".txt"
  n = (f * f * 977) % 300000 + (f % 10 == 0 ? 1500000 : 0)
  line = sprintf("file %d: the quick brown fox jumps over the lazy dog %d\n", f, f * 31)
  for (w = 0; w < n; w += length(line)) printf "%s", line > out
  close(out) } }'
(cd www && find . -type f | LC_ALL=C sort | xargs sha256sum) >want.sha
port=\$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=; [ "\$(id -u)" = 0 ] && user="user root;"
cat >nginx.conf <<CONF
\$user
worker_processes 2;
daemon off;
pid \$PWD/nginx.pid;
error_log \$PWD/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path \$PWD/tmp/body; proxy_temp_path \$PWD/tmp/proxy;
  fastcgi_temp_path \$PWD/tmp/fcgi; uwsgi_temp_path \$PWD/tmp/uwsgi; scgi_temp_path \$PWD/tmp/scgi;
  default_type text/plain;
  gzip on; gzip_min_length 100; gzip_types text/plain;
  server { listen 127.0.0.1:\$port; root \$PWD/www; autoindex on; }
}
CONF
nginx -p "\$PWD" -c "\$PWD/nginx.conf" -e "\$PWD/logs/error.log" &
echo \$! >"$tmp/pid"
trap 'kill \$(cat "$tmp/pid") 2>/dev/null || true' EXIT
i=0
until env -u LD_PRELOAD curl -s -o /dev/null "http://127.0.0.1:\$port/"; do
  i=\$((i + 1)); [ \$i -lt 100 ] || { echo "nginx did not start"; cat logs/error.log; exit 1; }
  sleep 0.1
done
mkdir got got/sub
(cd www && find . -type f | LC_ALL=C sort) | awk -v p=\$port '{ f = substr(\$0, 3)
  printf "url = \"http://127.0.0.1:%s/%s\"\noutput = \"got/%s\"\n", p, f, f }' >curl.cfg
env -u LD_PRELOAD curl -s -f --compressed --config curl.cfg
(cd got && sha256sum -c --quiet ../want.sha) && echo "all \$(wc -l <want.sha) files served intact"
env -u LD_PRELOAD curl -s --compressed "http://127.0.0.1:\$port/sub/" | grep -c 'href="f'
env -u LD_PRELOAD curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:\$port/missing"
kill \$(cat "$tmp/pid")
wait \$(cat "$tmp/pid") || true
grep -E '\[(alert|emerg|crit)\]' logs/error.log || echo "no alerts in the error log"
SH
cleanup() {
  [ -f "$tmp/pid" ] && kill "$(cat "$tmp/pid")" 2>/dev/null
  rm -rf "$tmp"
}
compare nginx sh "$tmp/work.sh"
