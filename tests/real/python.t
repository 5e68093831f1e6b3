#!/bin/sh
# python.t: python3 with PYTHONMALLOC=malloc (every object through malloc)
# running dicts, lists, sets, json, re, sorting, big strings, a thread pool and
# gc cycles; deterministic output compared with and without the shim.
. "$(dirname "$0")/common.sh"
PY=$(py3)
[ -n "$PY" ] || { echo "python3 not installed"; exit 77; }
cat >"$tmp/work.py" <<'PY'
import hashlib, json, re, random, gc, collections, threading, zlib
from concurrent.futures import ThreadPoolExecutor

rng = random.Random(2024)
h = hashlib.sha256()
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 12)))
         for _ in range(60000)]
counts = collections.Counter(words)
print("distinct words", len(counts), "top", counts.most_common(3))
d = {}
for i, w in enumerate(words):
    d.setdefault(w[:3], []).append((i, w * (i % 5)))
print("prefixes", len(d), "longest", max(len(v) for v in d.values()))
for k in sorted(d)[:: max(1, len(d) // 20)]:
    h.update(repr(d[k][:5]).encode())

recs = [{"id": i, "name": words[i], "tags": sorted(set(words[i])), "score": (i * 7919) % 1000 / 7,
         "nested": {"a": [i, str(i), None, True], "b": {"c": words[i][::-1]}}} for i in range(30000)]
s = json.dumps(recs, sort_keys=True)
back = json.loads(s)
assert back == recs
print("json bytes", len(s), "sha", hashlib.sha256(s.encode()).hexdigest()[:16])

text = " ".join(words)
pat = re.compile(r"\b([aeiou])(\w*?)([^aeiou\s])\b")
m = pat.findall(text)
print("regex matches", len(m), m[:3])
sub = re.sub(r"(\w)(\w*)", lambda mo: mo.group(2) + mo.group(1) + "ay", text[:200000])
h.update(sub.encode())

big = sorted(recs, key=lambda r: (-r["score"], r["name"], r["id"]))
print("sorted first", [r["id"] for r in big[:5]], "last", [r["id"] for r in big[-3:]])
nums = [rng.random() for _ in range(200000)]
nums.sort()
print("median %.6f" % nums[len(nums) // 2])

class Node:
    def __init__(self, v):
        self.v = v; self.peer = None; self.data = [v] * (v % 50)
for round_ in range(20):
    nodes = [Node(i) for i in range(5000)]
    for a, b in zip(nodes, nodes[1:] + nodes[:1]):
        a.peer = b
    del nodes
    gc.collect()

def work(k):
    r = random.Random(k)
    acc = []
    for _ in range(2000):
        acc.append(bytes(r.getrandbits(8) for _ in range(r.randint(1, 300))))
    return hashlib.md5(zlib.compress(b"".join(acc))).hexdigest()
with ThreadPoolExecutor(4) as ex:
    res = list(ex.map(work, range(16)))
print("threads", res[0], res[-1])
s2 = set(words) ^ set(w[::-1] for w in words)
print("set", len(s2))
h.update(str(sorted(s2)[:100]).encode())
print("digest", h.hexdigest())
PY
compare python env PYTHONMALLOC=malloc PYTHONHASHSEED=0 "$PY" "$tmp/work.py"
