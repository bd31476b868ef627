#!/usr/bin/env bash
# 88-smtpd-noloss.t - nothing lost, nothing twice: 2,000 messages, each
# with its own id, from 25 concurrent sessions through vigil-smtpd while
# vigild is restarted twice (once by SIGTERM, once killed with SIGKILL)
# and the next hop refuses about 10% of the messages at random (4xx or
# 5xx, at RCPT or at the final dot).  Then, per id: the client got 250 at
# the dot and the next hop keeps the message exactly once, intact; or the
# client got a 4xx/5xx and the next hop keeps nothing.  Every refusal of
# the next hop reached the client as it was given.
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x "$BIN/vigil-smtpd" ] || skip_all "vigil-smtpd is not built"
plan 15

N=2000
SESSIONS=25
SEED=${NOLOSS_SEED:-$RANDOM}
cd "$TMP"
chmod 755 "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
mkdir -p "$BASE" spool
"$BIN"/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
read -r PP PS < <($PY -c 'import socket
ss = [socket.socket() for i in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
syslog_facility = none
log_level = 3
daemon_addr = $SOCK
daemon_timeout = 20s
[daemon]
socket = $SOCK
num_workers = 2
pid_file = $TMP/vigild.pid
user = nobody
reload_check_interval = 0
[smtp]
listen_addr = 127.0.0.1
listen_port = $PP
server_addr = 127.0.0.1
server_port = $PS
max_connections = 100
client_timeout = 20s
server_timeout = 20s
spool_memory = 16K
tmp_dir = $TMP/spool
EOF

# sink.py PORT LOG SEED: the next hop.  Whether it refuses message ID (the
# recipient is u<ID>@example.com), where and how, is drawn from SEED and
# ID: 10% refused, half at RCPT, half at the dot, half 4xx, half 5xx.  LOG
# gets "deliver ID ok|bad" (bad: the body does not match its X-Sum) and
# "refuse ID rcpt|dot CODE".
cat > sink.py <<'EOF'
import asyncio, hashlib, random, re, sys

port, log, seed = int(sys.argv[1]), open(sys.argv[2], "a"), int(sys.argv[3])
CODES = {("rcpt", 4): b"450 4.2.1 Mailbox busy, try again",
    ("rcpt", 5): b"550 5.1.1 User unknown",
    ("dot", 4): b"451 4.3.0 Queue trouble, try again",
    ("dot", 5): b"554 5.6.0 Content refused"}

def fate(i):
    r = random.Random(seed * 1000003 + i)
    if r.random() >= 0.10:
        return None
    return (r.choice(("rcpt", "dot")), r.choice((4, 5)))

def note(s):
    log.write(s + "\n")
    log.flush()

def intact(body):
    head, _, text = body.partition(b"\r\n\r\n")
    m = re.search(rb"^X-Sum: ([0-9a-f]+)", head, re.M)
    return m is not None and hashlib.sha256(text).hexdigest().encode() == \
        m.group(1)

async def session(r, w):
    ids = []
    w.write(b"220 sink.test ESMTP\r\n")
    while True:
        line = await r.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb == b"EHLO":
            w.write(b"250-sink.test\r\n250-PIPELINING\r\n"
                b"250 ENHANCEDSTATUSCODES\r\n")
        elif verb in (b"MAIL", b"RSET"):
            ids = []
            w.write(b"250 2.0.0 Ok\r\n")
        elif verb == b"RCPT":
            i = int(re.search(rb"<u(\d+)@", line).group(1))
            f = fate(i)
            if f is not None and f[0] == "rcpt":
                note("refuse %d rcpt %s" % (i, CODES[f][:3].decode()))
                w.write(CODES[f] + b"\r\n")
            else:
                ids.append(i)
                w.write(b"250 2.1.5 Ok\r\n")
        elif verb == b"DATA":
            w.write(b"354 go ahead\r\n")
            await w.drain()
            body = bytearray()
            while True:
                l = await r.readline()
                if not l or l == b".\r\n":
                    break
                body += l[1:] if l.startswith(b".") else l
            if not l:
                break
            i = ids[0]
            f = fate(i)
            if f is not None and f[0] == "dot":
                note("refuse %d dot %s" % (i, CODES[f][:3].decode()))
                w.write(CODES[f] + b"\r\n")
            else:
                note("deliver %d %s" % (i, "ok" if intact(body) else "bad"))
                w.write(b"250 2.0.0 Ok: queued as %d\r\n" % i)
            ids = []
        elif verb == b"QUIT":
            w.write(b"221 2.0.0 Bye\r\n")
            await w.drain()
            break
        else:
            w.write(b"250 2.0.0 Ok\r\n")
        await w.drain()
    w.close()

async def main():
    srv = await asyncio.start_server(session, "127.0.0.1", port)
    note("ready")
    async with srv:
        await srv.serve_forever()

asyncio.run(main())
EOF

# client.py PORT N SESSIONS OUT: messages 1..N, each sent once, from
# SESSIONS sessions (MAIL, RCPT, DATA pipelined; RSET before every fifth).
# OUT gets one line per message: "ID STAGE CODE" (STAGE mail, rcpt, data,
# dot; CODE the reply's code, "lost" when the connection ended without
# one).  A session that ends (421) is replaced by a new one.
cat > client.py <<'EOF'
import asyncio, hashlib, random, sys

port, n, nsess, out = (int(sys.argv[1]), int(sys.argv[2]),
    int(sys.argv[3]), open(sys.argv[4], "w"))
todo = asyncio.Queue()
for i in range(1, n + 1):
    todo.put_nowait(i)

def message(i):
    r = random.Random(i)
    size = r.randint(20000, 60000) if i % 10 == 0 else r.randint(200, 8000)
    lines, total = [], 0
    while total < size:
        l = "%s line %d of message %d %s" % (r.choice(("", ".", "..")),
            len(lines), i, "x" * r.randint(0, 70))
        lines.append(l)
        total += len(l) + 2
    text = ("\r\n".join(lines) + "\r\n").encode()
    head = ("From: s%d@example.org\r\nTo: u%d@example.com\r\n"
        "Subject: message %d\r\nX-Sum: %s\r\n\r\n" % (i, i, i,
        hashlib.sha256(text).hexdigest())).encode()
    body = head + text
    return b"".join(b"." + l if l.startswith(b".") else l
        for l in body.splitlines(True)) + b".\r\n"

class Lost(Exception):
    pass

async def reply(r):
    while True:
        l = await r.readline()
        if not l:
            raise Lost()
        if len(l) < 4 or l[3:4] != b"-":
            return l[:3].decode()

def done(i, stage, code):
    out.write("%d %s %s\n" % (i, stage, code))

async def session(k):
    refused = 0
    while True:
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            # vigil-smtpd never restarts here: gone for 10 s, it died
            refused += 1
            if refused > 200:
                raise SystemExit("vigil-smtpd refuses connections")
            await asyncio.sleep(0.05)
            continue
        refused = 0
        i = None
        try:
            if await reply(r) != "220":
                raise Lost()
            w.write(b"EHLO client.test\r\n")
            if await reply(r) != "250":
                raise Lost()
            sent = 0
            while True:
                try:
                    i = todo.get_nowait()
                except asyncio.QueueEmpty:
                    w.write(b"QUIT\r\n")
                    await reply(r)
                    w.close()
                    return
                cmds = b"MAIL FROM:<s%d@example.org>\r\n" \
                    b"RCPT TO:<u%d@example.com>\r\nDATA\r\n" % (i, i)
                if sent % 5 == 4:
                    cmds = b"RSET\r\n" + cmds
                sent += 1
                w.write(cmds)
                if sent % 5 == 0 and await reply(r) != "250":
                    raise Lost()
                code = None
                for stage, want in (("mail", "250"), ("rcpt", "250"),
                        ("data", "354")):
                    c = await reply(r)
                    if c != want and code is None:
                        code = c
                        done(i, stage, c)
                    if c == "421":
                        break
                if code is None:
                    w.write(message(i))
                    code = await reply(r)
                    done(i, "dot", code)
                    if code == "451":
                        await asyncio.sleep(0.02)
                i = None
                if code == "421":
                    break
        except (Lost, ConnectionError):
            if i is not None:
                done(i, "lost", "lost")
        w.close()

async def main():
    await asyncio.gather(*(session(k) for k in range(nsess)))

asyncio.run(main())
out.close()
EOF

PIDS=()
VPID= XPID= SPID=
trap 'kill $VPID $XPID $SPID "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
# waitfor TENTHS CMD...: until CMD succeeds; 1 when time runs out
waitfor() {
	local n=$1
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}
ping() { [ "$("$BIN"/vigilctl -s "$SOCK" ping 2>/dev/null)" = PONG ]; }
vigild_start() {
	"$BIN"/vigild -f -c vigil.cfg 2>> vigild.log &
	VPID=$!
	waitfor 100 ping
	# both workers ready, not only the socket
	waitfor 100 sh -c "[ \$(pgrep -c -P $VPID -f ' -x worker ') -ge 2 ]"
	echo "$VPID" >> vigild.pids
}
delivered() { [ "$(grep -c '^deliver ' sink.log)" -ge "$1" ]; }

$PY sink.py "$PS" sink.log "$SEED" 2> sink.err &
SPID=$!
vigild_start
"$BIN"/vigil-smtpd -f -c vigil.cfg -j 8 2> smtpd.log &
XPID=$!
waitfor 100 grep -q '^ready' sink.log
waitfor 100 sh -c "exec 3<>/dev/tcp/127.0.0.1/$PP"
diag "seed $SEED (NOLOSS_SEED=$SEED repeats this run)"

mid=0
t0=$EPOCHREALTIME
$PY client.py "$PP" "$N" "$SESSIONS" client.out 2> client.err &
CPID=$!
PIDS+=($CPID)
# restart 1: SIGTERM, as a package upgrade does
waitfor 400 delivered $((N / 4))
kill -0 $CPID && mid=1
kill -TERM "$VPID"
wait "$VPID" 2>/dev/null
vigild_start
# restart 2: vigild killed outright, workers and all in flight
waitfor 400 delivered $((N / 2))
kill -0 $CPID && mid=$((mid + 1))
kill -KILL "$VPID"
wait "$VPID" 2>/dev/null
vigild_start
wait $CPID
crc=$?
t=$($PY -c "print(round($EPOCHREALTIME - $t0, 1))")

is "the client finished (exit 0)" "$crc:$(cat client.err)" "0:"
is "vigild served with three pids, restarted twice while the client ran" \
    "$(sort -u vigild.pids | wc -l):$mid" 3:2
is "every message has one outcome" "$(cut -d' ' -f1 client.out | sort -u | wc -l):$(wc -l < client.out)" \
    "$N:$N"
is "no message lost (every one got a reply)" "$(grep -c lost client.out)" 0
is "no message delivered twice" \
    "$(awk '$1 == "deliver" {print $2}' sink.log | sort | uniq -d | wc -l)" 0
awk '$1 == "deliver" {print $2}' sink.log | sort > delivered.ids
awk '$2 == "dot" && $3 == "250" {print $1}' client.out | sort > ok.ids
is "the messages the client got 250 for were all delivered" \
    "$(comm -23 ok.ids delivered.ids | wc -l)" 0
is "nothing delivered without a 250 to the client" \
    "$(comm -13 ok.ids delivered.ids | wc -l)" 0
is "every other message got a 4xx or 5xx" \
    "$(awk '!($2 == "dot" && $3 == "250") && $3 !~ /^[45][0-9][0-9]$/' client.out | wc -l)" 0
is "every delivered message intact" "$(grep -c '^deliver [0-9]* bad' sink.log)" 0
# the next hop's refusals, as the client saw them
awk '$1 == "refuse" {print $2, $3, $4}' sink.log | LC_ALL=C sort > refused
LC_ALL=C join refused <(LC_ALL=C sort client.out) | awk '$2 != $4 || $3 != $5' > mismatch
is "every refusal of the next hop reached the client unchanged" \
    "$(wc -l < refused):$(cat mismatch)" "$(wc -l < refused):"
nref=$(wc -l < refused)
ok "the next hop refused about 10% ($nref)" \
    test "$nref" -ge $((N * 6 / 100)) -a "$nref" -le $((N * 14 / 100))
# 451 at the dot that the next hop did not give: vigild was away
n451=$(LC_ALL=C join -v 2 refused <(LC_ALL=C sort client.out) | grep -c ' dot 451$')
n421=$(awk '$3 == "421"' client.out | wc -l)
nok=$(wc -l < ok.ids)
diag "delivered $nok, refused by the next hop $nref, 451 while vigild restarted $n451, 421 $n421, in $t s"
ok "the restarts cost some messages a 451 ($n451)" test "$n451" -ge 1
ok "delivered the others (at least 70%: $nok)" test "$nok" -ge $((N * 70 / 100))
ok "within 60 s ($t s)" test "${t%.*}" -lt 60
ok "no sanitizer report, no assertion" sh -c \
    "! grep -Eq 'ERROR: AddressSanitizer|runtime error|assertion' smtpd.log vigild.log"
