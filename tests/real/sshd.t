#!/bin/sh
# sshd.t: OpenSSH's server (loopback, random port, its own host key and
# config; privilege separation: the pre-authentication child drops to the
# user sshd, limits its files to size 0 and sandboxes itself with seccomp)
# takes four logins by key from ssh: commands, 8 MB in and back with
# checksums, then a login with a key it does not know, which must be
# refused. Everything runs under the shim with a report per process; the
# transcript must be the same as on glibc. Before sandbox.c a login under
# the shim hung: its pre-authentication child was killed (SIGSYS) for the
# readlinkat of its exit report. Root only (privilege separation needs it);
# the daemon is always stopped on exit.
. "$(dirname "$0")/common.sh"
need ssh ssh-keygen sha256sum
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || { echo "sshd not installed (openssh-server)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "not root: sshd's privilege separation needs it"; exit 77; }
id sshd >/dev/null 2>&1 || { echo "no user sshd (openssh-server's privilege separation user)"; exit 77; }
PY=$(py3)
[ -n "$PY" ] || { echo "python3 not installed"; exit 77; }
# The privilege separation directory (compiled in; the package's service
# creates it at start, which a test machine may never have done).
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; } || exit 77
chmod 755 "$tmp"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host" -C host || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$tmp/user" -C user || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$tmp/stranger" -C stranger || exit 1
cp "$tmp/user.pub" "$tmp/authorized_keys"
head -c 8000000 /dev/urandom >"$tmp/blob"

cat >"$tmp/work.sh" <<SH
port=\$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir rep
cat >sshd_config <<CONF
Port \$port
ListenAddress 127.0.0.1
HostKey $tmp/host
AuthorizedKeysFile $tmp/authorized_keys
PidFile \$PWD/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel INFO
CONF
FRAGGUARD_REPORT=\$PWD/rep/%e.%p.json "$sshd" -D -e -f sshd_config 2>sshd.log &
echo \$! >"$tmp/pid"
trap 'kill \$(cat "$tmp/pid") 2>/dev/null' EXIT
opts="-q -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -p \$port"
env -u LD_PRELOAD "$PY" - \$port <<'PYEOF'
import socket, sys, time
for i in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        time.sleep(0.1)
PYEOF
timeout 20 ssh \$opts -i "$tmp/user" root@127.0.0.1 'echo login 1 uid \$(id -u); seq 1 100000 | sha256sum'
echo "exit \$?"
timeout 20 ssh \$opts -i "$tmp/user" root@127.0.0.1 'sha256sum; cat "$tmp/blob" | head -c 3000000 | sha256sum' <"$tmp/blob"
echo "exit \$?"
timeout 20 ssh \$opts -i "$tmp/user" root@127.0.0.1 'cat "$tmp/blob"' | sha256sum
timeout 20 ssh \$opts -i "$tmp/user" root@127.0.0.1 'exit 7'
echo "exit \$?"
timeout 20 ssh \$opts -i "$tmp/stranger" root@127.0.0.1 true
echo "stranger exit \$?"
kill \$(cat "$tmp/pid")
wait \$(cat "$tmp/pid") 2>/dev/null
trap - EXIT
grep -iE 'fatal|fragguard' sshd.log
if [ -n "\${LD_PRELOAD:-}" ]; then
  n=\$(ls rep | wc -l)
  [ "\$n" -ge 5 ] || { echo "only \$n reports: the shim was not loaded in sshd's processes"; ls -l rep; }
fi
exit 0
SH
cleanup() {
  [ -f "$tmp/pid" ] && kill "$(cat "$tmp/pid")" 2>/dev/null
  rm -rf "$tmp"
}
compare sshd sh "$tmp/work.sh"
