#!/bin/sh
# git.t: init, add and commit 400 files, modify, branch, merge, log, diff,
# blame, gc and fsck in a fresh repository with fixed author, dates and config.
. "$(dirname "$0")/common.sh"
need git awk
cat >"$tmp/work.sh" <<'SH'
set -e
export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.org GIT_COMMITTER_NAME=Ada
export GIT_COMMITTER_EMAIL=ada@example.org TZ=UTC LC_ALL=C
export GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
git init -q -b main repo
cd repo
git config pack.threads 1
gen() { # round
  for d in 0 1 2 3 4 5 6 7 8 9 10 11 12; do mkdir -p dir$d; done
  awk -v r="$1" 'BEGIN { for (f = 0; f < 400; f++) {
    out = "dir" (f % 13) "/file" f ".txt"
    for (l = 0; l < 40 + f % 60; l++) printf "line %d of file %d round %d %s\n", l, f, (l % 7 == 0 ? r : 0), substr("abcdefghijklmnopqrstuvwxyz", 1 + (l * f) % 26), 1 > out
    close(out) } }'
}
gen 0
git add -A
git commit -q -m "round 0"
for r in 1 2 3; do
  gen $r
  export GIT_COMMITTER_DATE="2024-01-0${r}T12:00:00Z" GIT_AUTHOR_DATE="2024-01-0${r}T12:00:00Z"
  git commit -q -a -m "round $r"
done
git checkout -q -b side HEAD~2
echo side >dir1/side.txt
git add dir1/side.txt
git commit -q -m side
git checkout -q main
git merge -q --no-edit side
git log --stat --format='%H %an %ad %s' --date=iso | head -60
git diff HEAD~3 HEAD --stat | tail -3
git diff HEAD~1 HEAD~2 | md5sum
git blame -s dir3/file3.txt | head -5
git gc -q
git fsck --strict --no-progress
git count-objects -v | grep -E '^(count|in-pack|packs)'
git rev-parse HEAD HEAD^{tree}
git ls-tree -r HEAD | md5sum
SH
compare git sh "$tmp/work.sh"
