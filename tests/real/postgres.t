#!/bin/sh
# postgres.t: a PostgreSQL cluster (initdb, the postmaster and the processes
# it forks without exec: backends, parallel workers, checkpointer, autovacuum)
# runs a fixed SQL workload from psql: 200 k rows, external sorts in 64 kB of
# work_mem, hash aggregation, parallel scans, 1 MB TOASTed values, jsonb,
# four clients updating at once, VACUUM FULL and REINDEX. Every answer is a
# digest; the transcript must be the same with and without the shim. Under
# the shim, every server process must leave a report (the shim was loaded,
# and it survived fork and exit). Unix socket only; the server is always
# stopped on exit. As root it runs as the user postgres.
. "$(dirname "$0")/common.sh"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "postgresql not installed"; exit 77; }
run_as=
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "no user postgres to run the server as"; exit 77; }
  command -v setpriv >/dev/null || { echo "setpriv not installed"; exit 77; }
  run_as="setpriv --reuid=postgres --regid=postgres --init-groups --"
fi
# The server's user must be able to read the library it preloads.
cp "$so" "$tmp/libfragguard.so"
chmod 755 "$tmp" "$tmp/libfragguard.so"
so=$tmp/libfragguard.so

cat >"$tmp/load.sql" <<'SQL'
\set ON_ERROR_STOP 1
create table t (g int primary key, m text not null, r text not null);
insert into t select g, md5(g::text), repeat(chr(65 + g % 26), g % 2000)
  from generate_series(1, 200000) g;
create index t_m on t (m);
analyze t;
set work_mem = '64kB';
select 'sorted', md5(string_agg(m, ',' order by m)) from t;
select 'grouped', md5(string_agg(k || ':' || n || ':' || s, ',' order by k))
  from (select g % 1000 k, count(*) n, sum(length(r)) s from t group by 1) x;
reset work_mem;
set parallel_setup_cost = 0;
set parallel_tuple_cost = 0;
set min_parallel_table_scan_size = 0;
set max_parallel_workers_per_gather = 2;
select 'parallel', count(*), sum(length(r)), md5(string_agg(m, '' order by g))
  from t where g % 7 = 3;
reset max_parallel_workers_per_gather;
create table big (id int primary key, v text);
insert into big select i, repeat(md5(i::text), 32768 + i * 1000)
  from generate_series(1, 40) i;
select 'toast', sum(length(v)), md5(string_agg(md5(v), '' order by id)) from big;
select 'json', md5(jsonb_agg(jsonb_build_object('g', g, 'm', m,
  'a', jsonb_build_array(g, g * 2, r)) order by g)::text)
  from t where g <= 20000;
create table acct (id int primary key, bal bigint not null);
insert into acct select i, 0 from generate_series(0, 399) i;
SQL

# Client $1 adds $1 + 1 to its hundred accounts 60 times, one transaction each.
cat >"$tmp/client.sh" <<'SH'
c=$1
i=0
while [ $i -lt 60 ]; do
  echo "begin; update acct set bal = bal + $c + 1 where id % 4 = $c; commit;"
  i=$((i + 1))
done | "$PSQL" -X -q -v ON_ERROR_STOP=1 -U postgres >/dev/null
SH

cat >"$tmp/check.sql" <<'SQL'
\set ON_ERROR_STOP 1
select 'accounts', id % 4, count(*), sum(bal) from acct group by 2 order by 2;
delete from t where g % 3 = 0;
update big set v = v || v where id % 5 = 0;
vacuum full t;
reindex table t;
select 'after', count(*), md5(string_agg(m, ',' order by m)) from t;
select 'toast2', sum(length(v)), md5(string_agg(md5(v), '' order by id)) from big;
SQL

cat >"$tmp/work.sh" <<SH
d=\$PWD/pg
mkdir -p "\$d/rep"
chmod -R 777 "\$d"
export PGHOST=\$d PGPORT=5432 PGDATABASE=postgres PSQL=$bin/psql
as() { $run_as "\$@"; }
as "$bin/initdb" -D "\$d/data" -A trust -U postgres --no-sync >"\$d/initdb.log" 2>&1 ||
  { echo "initdb failed"; cat "\$d/initdb.log"; exit 1; }
FRAGGUARD_REPORT=\$d/rep/%e.%p.json as "$bin/pg_ctl" -D "\$d/data" -l "\$d/log" -w \
  -o "-k \$d -c listen_addresses= -c fsync=off -c max_connections=20" start >/dev/null ||
  { echo "server did not start"; cat "\$d/log"; exit 1; }
trap 'as "$bin/pg_ctl" -D "\$d/data" -m immediate stop >/dev/null 2>&1' EXIT
psql() { as "$bin/psql" -U postgres "\$@"; }
psql -X -q -A -t -F ' ' -f "$tmp/load.sql" || exit 1
for c in 0 1 2 3; do as sh "$tmp/client.sh" \$c & done
wait
psql -X -q -A -t -F ' ' -f "$tmp/check.sql" || exit 1
as "$bin/pg_ctl" -D "\$d/data" -w stop >/dev/null || echo "server did not stop"
trap - EXIT
grep -E 'PANIC|terminated by signal' "\$d/log"
if [ -n "\${LD_PRELOAD:-}" ]; then
  n=\$(ls "\$d/rep" | wc -l)
  [ "\$n" -ge 8 ] || { echo "only \$n reports: the shim was not loaded in every server process"; ls -l "\$d/rep"; }
fi
exit 0
SH
compare postgres sh "$tmp/work.sh"
