#!/bin/sh
# sqlite3.t: 300k rows inserted, indexed, queried, grouped, updated, deleted,
# checked, in a file database with a large page cache.
. "$(dirname "$0")/common.sh"
need sqlite3
cat >"$tmp/work.sql" <<'SQL'
PRAGMA cache_size = -32000;
PRAGMA journal_mode = WAL;
CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL, blob BLOB);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000)
INSERT INTO t SELECT x, x % 97, printf('name-%06d-%05d', (x * 7919) % 300007, x % 10007),
       (x * 31 % 1000) / 10.0, zeroblob(x % 200) FROM c;
COMMIT;
CREATE INDEX t_grp ON t(grp, val);
CREATE INDEX t_name ON t(name);
SELECT grp, count(*), round(sum(val), 1), min(name), max(name) FROM t GROUP BY grp ORDER BY grp LIMIT 12;
SELECT count(*), round(avg(val), 3) FROM t WHERE grp = 5 AND val > 50;
SELECT name FROM t ORDER BY name DESC LIMIT 5;
SELECT grp, group_concat(id, ',') FROM (SELECT grp, id FROM t WHERE id % 10007 = 1 ORDER BY id) GROUP BY grp ORDER BY grp LIMIT 5;
UPDATE t SET val = val * 2, name = name || '-u' WHERE id % 3 = 0;
DELETE FROM t WHERE id % 5 = 0;
SELECT count(*), round(sum(val), 1), sum(length(name)), sum(length(blob)) FROM t;
SELECT a.grp, count(*) FROM t a JOIN t b ON a.id = b.id + 1 WHERE a.grp < 3 GROUP BY a.grp ORDER BY a.grp;
CREATE TABLE s AS SELECT grp, count(*) AS n, max(val) AS m FROM t GROUP BY grp;
SELECT * FROM s ORDER BY n DESC, grp LIMIT 5;
SELECT count(DISTINCT substr(name, 6, 3)) FROM t;
VACUUM;
PRAGMA integrity_check;
SQL
compare sqlite3 sh -c "sqlite3 test.db <'$tmp/work.sql'"
