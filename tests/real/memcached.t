#!/bin/sh
# memcached.t: memcached (4 threads, loopback only, random port, no UDP)
# serves a few thousand set/get/append/incr/delete requests from a small
# python3 client over TCP; the transcript digest must be the same with and
# without the shim, and every value must come back as stored. The daemon is
# always killed on exit.
. "$(dirname "$0")/common.sh"
need memcached
PY=$(py3)
[ -n "$PY" ] || { echo "python3 not installed"; exit 77; }
cat >"$tmp/client.py" <<'PY'
import hashlib, random, socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 10
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        break
    except OSError:
        if time.time() > deadline:
            print("cannot connect"); sys.exit(3)
        time.sleep(0.05)
f = s.makefile("rwb")
def cmd(line, data=None):
    f.write(line.encode() + b"\r\n")
    if data is not None:
        f.write(data + b"\r\n")
    f.flush()
def line():
    return f.readline().rstrip(b"\r\n").decode()
def get(keys):
    cmd("get " + " ".join(keys))
    out = {}
    while True:
        l = line()
        if l == "END":
            return out
        _, k, flags, n = l.split()
        out[k] = f.read(int(n)); f.read(2)
rng = random.Random(7)
h = hashlib.sha256()
store = {}
bad = 0
for i in range(3000):
    k = "key%05d" % i
    n = rng.choice([1, 10, 100, 500, 1000, 5000, 20000, 100000, 300000])
    v = bytes((i * 31 + j) % 251 for j in range(n)) if n < 5000 else (b"%05d" % i) * (n // 5)
    cmd("set %s %d 0 %d" % (k, i % 65536, len(v)), v)
    r = line()
    if r != "STORED":
        print("set", k, r); bad += 1
    store[k] = v
keys = sorted(store)
for i in range(0, 3000, 25):
    got = get(keys[i:i + 25])
    for k in keys[i:i + 25]:
        if got.get(k) != store[k]:
            print("mismatch", k); bad += 1
        h.update(got.get(k, b"?"))
for i in range(0, 3000, 7):
    k = keys[i]
    cmd("append %s 0 0 6" % k, b"+extra"); line()
    store[k] += b"+extra"
for i in range(0, 3000, 11):
    cmd("delete %s" % keys[i]); line()
    del store[keys[i]]
cmd("set counter 0 0 1", b"0"); line()
for i in range(500):
    cmd("incr counter %d" % i); line()
print("counter", get(["counter"])["counter"].decode())
misses = 0
for k in keys:
    got = get([k]).get(k)
    if got is None:
        misses += 1
        if k in store:
            print("lost", k); bad += 1
    elif got != store.get(k):
        print("mismatch after update", k); bad += 1
    else:
        h.update(got)
print("keys", len(keys), "deleted", misses, "bad", bad)
print("digest", h.hexdigest())
cmd("quit")
sys.exit(1 if bad else 0)
PY
cat >"$tmp/work.sh" <<SH
port=\$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user=; [ "\$(id -u)" = 0 ] && user="-u root"
memcached -U 0 -l 127.0.0.1 -p \$port -t 4 -m 256 -I 2m \$user &
echo \$! >"$tmp/pid"
trap 'kill \$(cat "$tmp/pid") 2>/dev/null' EXIT
env -u LD_PRELOAD "$PY" "$tmp/client.py" \$port
rc=\$?
kill \$(cat "$tmp/pid") 2>/dev/null
wait \$(cat "$tmp/pid")
echo "memcached exit \$?"
exit \$rc
SH
cleanup() {
  [ -f "$tmp/pid" ] && kill "$(cat "$tmp/pid")" 2>/dev/null
  rm -rf "$tmp"
}
compare memcached sh "$tmp/work.sh"
