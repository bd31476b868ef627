#!/usr/bin/env bash
# 85-vigil-smtpd.t - vigil-smtpd between real SMTP peers, with its own
# vigild: swaks and smtp-source in front; behind it a small Python next hop
# that keeps every message byte for byte, logs every command it gets and
# fails on demand, and Postfix's smtp-sink.  Clean mail arrives byte for
# byte plus the marks (in memory and spooled to a file), dot-stuffing
# survives the round trip, EICAR is refused with 554 and never reaches
# the next hop, defer and discard, the EHLO keywords filtered, the next
# hop's replies to RCPT and to the final dot reach the client, pipelined
# sessions with several messages, RSET, DSN/SMTPUTF8/XFORWARD parameters
# passed on, max_message_size, the next hop refusing (4xx and 5xx) at
# MAIL, RCPT, DATA and the final dot, dropping the connection at MAIL,
# RCPT, DATA and after the data, staying silent at RCPT and after the
# dot, client timeout, max_connections after SIGHUP, 240 messages (EICAR
# and clean of 1 to 200 KB) from 20 sessions at once each scanned as
# itself, 200 messages from 20
# concurrent smtp-source sessions all delivered over one kept connection
# to vigild, 40 scans in flight on two, a vigild that does not answer
# within daemon_timeout, the next hop down at connect, vigild stopped and
# started again in the middle of a session, SIGTERM finishing the message
# in progress, vigild down.
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x "$BIN/vigil-smtpd" ] || skip_all "vigil-smtpd is not built"
command -v swaks >/dev/null || skip_all "swaks is not installed"
[ -x /usr/sbin/smtp-sink ] && [ -x /usr/sbin/smtp-source ] ||
    skip_all "postfix (smtp-sink, smtp-source) is not installed"
plan 102

cd "$TMP"
chmod 755 "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
mkdir -p "$BASE" sink spool q dump pause
chmod 777 dump
"$BIN"/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
read -r PP PS PK < <($PY -c 'import socket
ss = [socket.socket() for i in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
syslog_facility = none
log_level = 4
daemon_addr = $SOCK
daemon_timeout = 20s
quarantine_dir = $TMP/q
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
max_connections = 50
client_timeout = 2s
server_timeout = 3s
spool_memory = 4K
tmp_dir = $TMP/spool
max_message_size = 200K
[defer@example.com]
action_on_infected = defer
[discard@example.com]
action_on_infected = discard
[clean@example.com]
action_on_infected = clean
write_to_subject = [VIRUS %s]
EOF

# --- the peers ------------------------------------------------------------------
# sink.py PORT DIR: the next hop.  DIR/msg/NNNNNN.eml holds each message
# it accepts (unstuffed, as received), DIR/commands every command line.
# MAIL from mail4xx*@ gets 451, mail5xx*@ 553, maildrop*@ a closed
# connection; RCPT reject*@ 550, rcpt4xx*@ 450, drop*@ a closed
# connection, stall*@ no answer; DATA after a recipient data4xx*@ gets
# 451, data5xx*@ 554, datadrop*@ a closed connection; a message with
# "X-Sink-Reply: CODE TEXT" gets that reply to its dot, one with
# "X-Sink-Drop: yes" a closed connection, "X-Sink-Stall: yes" no answer.
cat > sink.py <<'EOF'
import asyncio, os, re, sys

port, top = int(sys.argv[1]), sys.argv[2]
count = 0
EHLO = [b"sink.test", b"PIPELINING", b"SIZE 10240000", b"STARTTLS",
    b"8BITMIME", b"AUTH PLAIN LOGIN", b"ENHANCEDSTATUSCODES", b"DSN",
    b"SMTPUTF8", b"BINARYMIME", b"XFORWARD NAME ADDR PROTO HELO",
    b"CHUNKING"]

def note(line):
    with open(os.path.join(top, "commands"), "ab") as f:
        f.write(line + b"\n")

async def session(r, w):
    global count
    rcpts = 0
    stage = b""
    w.write(b"220 sink.test ESMTP\r\n")
    while True:
        line = await r.readline()
        if not line:
            break
        line = line.rstrip(b"\r\n")
        note(line)
        verb = line[:4].upper()
        if verb == b"EHLO":
            w.write(b"".join(b"250-" + e + b"\r\n" for e in EHLO[:-1]) +
                b"250 " + EHLO[-1] + b"\r\n")
        elif verb == b"HELO":
            w.write(b"250 sink.test\r\n")
        elif verb == b"MAIL":
            rcpts = 0
            stage = b""
            if b"<mail4xx" in line:
                w.write(b"451 4.3.0 Sender deferred, try again\r\n")
            elif b"<mail5xx" in line:
                w.write(b"553 5.7.1 Sender refused\r\n")
            elif b"<maildrop" in line:
                break
            else:
                w.write(b"250 2.1.0 Ok\r\n")
        elif verb == b"RCPT":
            m = re.search(rb"<([^>]*)>", line)
            a = m.group(1) if m else b""
            if a.startswith(b"reject"):
                w.write(b"550 5.1.1 <" + a + b">: Recipient address "
                    b"rejected: User unknown\r\n")
            elif a.startswith(b"drop"):
                break
            elif a.startswith(b"stall"):
                await asyncio.sleep(30)
                break
            elif a.startswith(b"rcpt4xx"):
                w.write(b"450 4.2.0 <" + a + b">: Mailbox busy\r\n")
            else:
                if a.startswith(b"data"):
                    stage = a[:7]
                rcpts += 1
                w.write(b"250 2.1.5 Ok\r\n")
        elif verb == b"DATA":
            if rcpts == 0:
                w.write(b"554 5.5.1 Error: no valid recipients\r\n")
                continue
            if stage == b"data4xx":
                w.write(b"451 4.3.0 Try DATA later\r\n")
                await w.drain()
                continue
            if stage == b"data5xx":
                w.write(b"554 5.3.0 DATA refused\r\n")
                await w.drain()
                continue
            if stage == b"datadro":
                break
            w.write(b"354 go ahead\r\n")
            await w.drain()
            body = bytearray()
            while True:
                l = await r.readline()
                if not l or l in (b".\r\n", b".\n"):
                    break
                body += l[1:] if l.startswith(b".") else l
            note(b"<data>")
            if re.search(rb"^X-Sink-Drop: yes", body, re.M):
                break
            if re.search(rb"^X-Sink-Stall: yes", body, re.M):
                await asyncio.sleep(30)
                break
            m = re.search(rb"^X-Sink-Reply: (\d\d\d [^\r\n]*)", body, re.M)
            if m:
                w.write(m.group(1) + b"\r\n")
            else:
                count += 1
                name = os.path.join(top, "msg", "%06d.eml" % count)
                with open(name + ".tmp", "wb") as f:
                    f.write(body)
                os.rename(name + ".tmp", name)
                w.write(b"250 2.0.0 Ok: queued as %d\r\n" % count)
        elif verb == b"QUIT":
            w.write(b"221 2.0.0 Bye\r\n")
            await w.drain()
            break
        elif verb in (b"RSET", b"NOOP", b"XFOR"):
            w.write(b"250 2.0.0 Ok\r\n")
        else:
            w.write(b"502 5.5.2 Error: command not recognized\r\n")
        await w.drain()
    w.close()

async def main():
    os.makedirs(os.path.join(top, "msg"), exist_ok=True)
    srv = await asyncio.start_server(session, "127.0.0.1", port)
    open(os.path.join(top, "ready"), "w").close()
    async with srv:
        await srv.serve_forever()

asyncio.run(main())
EOF
# chat.py PORT [PAUSEDIR]: stdin in one write (pipelined, whatever the
# RFC says), then every reply line until the server closes.  With
# PAUSEDIR, stdin is cut at a line "@PAUSE": the first part is sent, the
# replies read up to a 354, PAUSEDIR/ready made, and the rest sent once
# PAUSEDIR/go exists.
cat > chat.py <<'EOF'
import os, socket, sys, time

port = int(sys.argv[1])
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
out = bytearray()
if len(sys.argv) > 2:
    d = sys.argv[2]
    first, rest = data.split(b"@PAUSE\n", 1)
    s.sendall(first)
    while b"\n354 " not in b"\n" + out:
        b = s.recv(65536)
        if not b:
            break
        out += b
    open(os.path.join(d, "ready"), "w").close()
    while not os.path.exists(os.path.join(d, "go")):
        time.sleep(0.05)
    data = rest
s.sendall(data)
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except (socket.timeout, ConnectionResetError):
    out += b"(timeout)\r\n"
sys.stdout.write(out.decode("latin-1").replace("\r\n", "\n"))
EOF

# steps.py PORT DIR: stdin is a session cut into steps by lines "@STEP".
# Each step is sent in one write; once its replies are in (one per
# command line, the greeting, and one per final dot), DIR/stepN is made
# and the next step waits for DIR/goN.  Prints every reply line.
cat > steps.py <<'EOF'
import os, socket, sys, time

port, d = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=20)
buf, want = b"", 1
for n, step in enumerate(sys.stdin.buffer.read().split(b"@STEP\n")):
    if n > 0:
        open(os.path.join(d, "step%d" % n), "w").close()
        while not os.path.exists(os.path.join(d, "go%d" % n)):
            time.sleep(0.05)
    body = False
    for l in step.splitlines():
        l = l.rstrip(b"\r")
        if body:
            body = l != b"."
            want += not body
        else:
            want += 1
            body = l.upper() == b"DATA"
    s.sendall(step)
    while True:
        lines = [l for l in buf.split(b"\r\n")[:-1] if l[3:4] != b"-"]
        if len(lines) >= want:
            break
        b = s.recv(65536)
        if not b:
            break
        buf += b
sys.stdout.write(buf.decode("latin-1").replace("\r\n", "\n"))
EOF

PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
"$BIN"/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
PIDS+=($VPID)
$PY sink.py "$PS" sink 2> sink.log &
SPID=$!
PIDS+=($SPID)
for i in $(seq 100); do [ -S "$SOCK" ] && [ -e sink/ready ] && break; sleep 0.1; done
for i in $(seq 100); do
	pgrep -f "vigild -c $TMP/vigil.cfg -x worker" >/dev/null && break
	sleep 0.1
done
start_proxy() {
	"$BIN"/vigil-smtpd -f -c vigil.cfg -p "$TMP/smtpd.pid" 2>> smtpd.log &
	XPID=$!
	PIDS+=($XPID)
	for i in $(seq 100); do
		(exec 3<>/dev/tcp/127.0.0.1/$PP) 2>/dev/null && break
		sleep 0.1
	done
}
start_proxy

sw() { swaks --server 127.0.0.1:$PP --helo client.test --from a@example.org \
    "$@" 2>&1; }
chat() { $PY chat.py "$PP" "$@"; }
# the final line of every reply, its code and enhanced code only
codes() { grep -E '^[0-9]{3}( |$)' | cut -c1-3 | tr '\n' ' '; }
nmsg() { ls sink/msg | wc -l; }
lastmsg() { ls sink/msg/* | tail -n 1; }
mark() { MARK=$(wc -l < sink/commands); }
since() { tail -n +$((MARK + 1)) sink/commands | tr '\n' ' '; }
serial() { readlink "$BASE/current" | sed 's/^gen-//'; }
marks() { printf 'X-Vigil-Result: clean\r\nX-Virus-Scanner: Vigil %s (%s)\r\n' \
    "$(cat "$VIGIL_TOP/VERSION")" "$(serial)"; }
logged() { grep -c "$1" smtpd.log; }
# reload: SIGHUP, then wait until vigil-smtpd says it read vigil.cfg again
reload() {
	local n i
	n=$(logged 'reconfigure:')
	kill -HUP $XPID
	for i in $(seq 50); do
		[ "$(logged 'reconfigure:')" -gt "$n" ] && return
		sleep 0.1
	done
}

# messages: dot lines, CRLF; a big one that goes to tmp_dir; EICAR
printf 'From: a@example.org\r\nTo: b@example.com\r\nSubject: dots\r\n\r\n' > clean.eml
printf 'hello\r\n.dot line\r\n..two dots\r\n.\r\n. \r\nend\r\n' >> clean.eml
{ printf 'From: a@example.org\r\nSubject: big\r\n\r\n'
  head -c 90000 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
  printf '.leading dot\r\n'; } > big.eml
# 180 KB in 8 runs of 22 KB, each ended by dot lines: stuffing across
# the proxy's 128 KB output chunks, from a spool file
{ printf 'From: a@example.org\r\nSubject: runs\r\n\r\n'
  for i in $(seq 8); do
	head -c 16500 /dev/urandom | base64 -w 76 | sed 's/$/\r/'
	printf '.run %d\r\n..two\r\n' "$i"
  done; } > runs.eml
E64=$(printf '%s' "$EICAR" | base64 -w0)
printf 'From: a@example.org\r\nSubject: invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BB"\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--BB\r\nContent-Type: application/octet-stream; name="eicar.com"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--BB--\r\n' "$E64" > eicar.eml

# --- greeting, EHLO ---------------------------------------------------------------
out=$(printf 'EHLO client.test\r\nQUIT\r\n' | chat)
is "greeting relayed, EHLO without STARTTLS AUTH BINARYMIME CHUNKING" "$out" \
"220 sink.test ESMTP
250-sink.test
250-PIPELINING
250-SIZE 10240000
250-8BITMIME
250-ENHANCEDSTATUSCODES
250-DSN
250-SMTPUTF8
250 XFORWARD NAME ADDR PROTO HELO
221 2.0.0 Bye"

# --- clean mail, byte for byte -----------------------------------------------------
# the reference: what the next hop stores when swaks talks to it directly
swaks --server 127.0.0.1:$PS --helo client.test --from a@example.org \
    --to b@example.com --data @clean.eml >/dev/null 2>&1
cp "$(lastmsg)" direct.eml
swaks --server 127.0.0.1:$PS --helo client.test --from a@example.org \
    --to b@example.com --data @big.eml >/dev/null 2>&1
cp "$(lastmsg)" direct-big.eml
swaks --server 127.0.0.1:$PS --helo client.test --from a@example.org \
    --to b@example.com --data @runs.eml >/dev/null 2>&1
cp "$(lastmsg)" direct-runs.eml
n0=$(nmsg)
out=$(sw --to b@example.com --data @clean.eml)
is "clean: swaks exits 0" "$?" 0
like "clean: the next hop's reply to the dot reaches the client" "$out" \
    "<-  250 2.0.0 Ok: queued as $((n0 + 1))"
is "clean: one message at the next hop" "$(nmsg)" $((n0 + 1))
cmp -s "$(lastmsg)" <({ marks; cat direct.eml; }) 
is "clean: the marks, then the message byte for byte" "$?" 0
is "dot-stuffing round trip: dot lines kept" \
    "$(grep -c '^\.' "$(lastmsg)")" 4
sw --to b@example.com --data @big.eml >/dev/null
is "90 KB (spooled to tmp_dir): exit 0" "$?" 0
cmp -s "$(lastmsg)" <({ marks; cat direct-big.eml; })
is "90 KB: byte for byte" "$?" 0
sw --to b@example.com --data @runs.eml >/dev/null
cmp -s "$(lastmsg)" <({ marks; cat direct-runs.eml; })
is "180 KB of plain runs and dot lines: byte for byte" "$?" 0
is "... its 16 dot lines kept" "$(grep -c '^\.' "$(lastmsg)")" 16
is "tmp_dir is left empty" "$(ls -A spool | wc -l)" 0
like "one log line per message" "$(grep 'result=clean' smtpd.log | tail -n 1)" \
    '\[127\.0\.0\.1\]:[0-9]+: from=<a@example\.org> to=<b@example\.com> size=[0-9]+ result=clean action=accept reason="Clean" reply="250 2\.0\.0 Ok: queued as [0-9]+" time=[0-9.]+s'

# --- EICAR, defer, discard ---------------------------------------------------------
n0=$(nmsg); mark
out=$(sw --to b@example.com --data @eicar.eml)
is "EICAR: swaks exits 26 (refused after data)" "$?" 26
like "EICAR: 554 5.7.1" "$out" "<\*\* 554 5\.7\.1 Virus found: Eicar-Test-Signature"
is "EICAR: nothing at the next hop" "$(nmsg)" "$n0"
is "EICAR: the next hop got RSET, never DATA" "$(since)" \
    "EHLO client.test MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RSET QUIT "
like "EICAR: logged" "$(grep 'action=reject' smtpd.log | tail -n 1)" \
    'to=<b@example\.com> size=[0-9]+ result=deleted action=reject reason="Virus found: Eicar-Test-Signature" reply="554 5\.7\.1 Virus found: Eicar-Test-Signature"'
out=$(sw --to defer@example.com --data @eicar.eml)
like "defer (recipient section): 451 4.7.1" "$out" "<\*\* 451 4\.7\.1 Virus found"
out=$(sw --to discard@example.com --data @eicar.eml)
is "discard: swaks exits 0" "$?" 0
like "discard: 250" "$out" "<-  250 2\.0\.0 Ok: discarded by Vigil"
is "defer, discard: nothing at the next hop" "$(nmsg)" "$n0"

# --- action_on_infected = clean: sent as the original and the splices -------------
# the reference: what vigil-mda (the same library, the whole rewritten
# message at once) makes of the bytes the next hop gets from swaks
swaks --server 127.0.0.1:$PS --helo client.test --from a@example.org \
    --to b@example.com --data @eicar.eml >/dev/null 2>&1
cp "$(lastmsg)" direct-eicar.eml
"$BIN"/vigil-mda ref-clean.eml -- -c vigil.cfg -r clean@example.com \
    -m /usr/bin/tee < direct-eicar.eml > /dev/null 2>> mda.log
n0=$(nmsg)
out=$(sw --to clean@example.com --data @eicar.eml)
like "clean (recipient section): 250 from the next hop" "$out" \
    "<-  250 2\.0\.0 Ok: queued as $((n0 + 1))"
cmp -s "$(lastmsg)" ref-clean.eml
is "... the message as vigil-mda cleans it, byte for byte" "$?" 0
is "... marked, the subject tagged, the part replaced, the rest kept" \
    "$(grep -c -e '^X-Vigil-Result: cleaned' -e '^Subject: \[VIRUS Eicar-Test-Signature\] invoice' \
    -e '^Vigil removed this part' -e '^See the attachment' -e '^--BB--' "$(lastmsg)"):$(grep -c "$E64" "$(lastmsg)")" \
    "5:0"
n0=$(nmsg)

# --- the next hop's own replies ------------------------------------------------------
out=$(sw --to reject1@example.com --data @clean.eml)
like "RCPT refused by the next hop: its 550 relayed" "$out" \
    "<\*\* 550 5\.1\.1 <reject1@example\.com>: Recipient address rejected: User unknown"
out=$(sw --to b@example.com --data 'X-Sink-Reply: 452 4.3.1 Insufficient system storage\r\n\r\nx\r\n')
like "452 to the final dot relayed" "$out" "<\*\* 452 4\.3\.1 Insufficient system storage"
out=$(sw --to b@example.com --data 'X-Sink-Reply: 554 5.7.0 Go away\r\n\r\nx\r\n')
like "554 to the final dot relayed" "$out" "<\*\* 554 5\.7\.0 Go away"
is "... and nothing kept" "$(nmsg)" "$n0"

# --- pipelining --------------------------------------------------------------------------
n0=$(nmsg)
out=$(sw --pipeline --to reject1@example.com,b@example.com --data @clean.eml)
is "swaks --pipeline, one recipient refused: exit 0" "$?" 0
is "... replies in order" "$(printf '%s\n' "$out" | grep '^<' | grep -v '^<-  250-' | cut -c5-7 | tr '\n' ' ')" \
    "220 250 250 550 250 354 250 221 "
is "... delivered" "$(nmsg)" $((n0 + 1))
mark
out=$(printf '%s' 'EHLO client.test
XFORWARD NAME=spike.example ADDR=192.0.2.1
MAIL FROM:<a@example.org>
RCPT TO:<b@example.com>
RCPT TO:<reject2@example.com>
DATA
Subject: p1

one
.
RSET
MAIL FROM:<ä@example.org> SMTPUTF8 BODY=8BITMIME
RCPT TO:<c@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@example.com
DATA
Subject: p2

..two
.
NOOP
STARTTLS
AUTH PLAIN AGFhAGI=
QUIT
' | sed 's/$/\r/' | chat)
is "a whole session in one write: every reply, in order" "$(printf "%s\n" "$out" | codes)" \
    "220 250 250 250 250 550 354 250 250 250 250 354 250 250 454 502 221 "
is "... two messages delivered" "$(nmsg)" $((n0 + 3))
is "... the second one unstuffed once" "$(tail -n 1 "$(lastmsg)")" ".two"$'\r'
like "... XFORWARD, SMTPUTF8, BODY and DSN parameters passed on" "$(since)" \
    "^EHLO client.test XFORWARD NAME=spike.example ADDR=192.0.2.1 MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RCPT TO:<reject2@example.com> DATA <data> RSET MAIL FROM:<ä@example.org> SMTPUTF8 BODY=8BITMIME RCPT TO:<c@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@example.com DATA <data> NOOP QUIT $"
out=$(printf 'HELO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<reject3@example.com>\r\nDATA\r\nQUIT\r\n' | chat)
is "DATA with no recipient accepted: 554 5.5.1" "$(printf '%s\n' "$out" | codes)" \
    "220 250 250 550 554 221 "
out=$(printf 'HELO c\r\nDATA\r\nQUIT\r\n' | chat)
like "DATA without MAIL: 503" "$out" "503 5\.5\.1 Error: need MAIL command"

# --- size ---------------------------------------------------------------------------------
n0=$(nmsg); mark
{ printf 'Subject: huge\r\n\r\n'; head -c 300000 /dev/zero | tr '\0' 'x' |
    fold -w 998 | sed 's/$/\r/'; } > huge.eml
out=$(sw --to b@example.com --data @huge.eml)
like "over max_message_size: 552 5.3.4" "$out" "<\*\* 552 5\.3\.4 "
is "... nothing at the next hop, which got RSET" "$(nmsg):$(since)" \
    "$n0:EHLO client.test MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RSET QUIT "

# --- the next hop fails ---------------------------------------------------------------------
out=$(sw --to b@example.com --data 'X-Sink-Drop: yes\r\n\r\nx\r\n')
like "next hop drops the connection after the data: 451" "$out" \
    "<\*\* 451 4\.4\.2 Error: next hop lost, message not delivered"
is "... nothing kept" "$(nmsg)" "$n0"
out=$(sw --to drop@example.com --data @clean.eml)
like "next hop drops the connection at RCPT: 421" "$out" \
    "<\*\* 421 4\.4\.2 [^ ]+ Error: next hop closed the connection"
t0=$(date +%s)
out=$(sw --to stall@example.com --data @clean.eml)
like "next hop silent at RCPT: 421 after server_timeout" "$out" \
    "<\*\* 421 4\.4\.2 [^ ]+ Error: next hop closed the connection"
t=$(( $(date +%s) - t0 ))
ok "... within 3 to 6 s ($t s)" test "$t" -ge 3 -a "$t" -le 6

# --- the next hop refuses at every stage, drops, stalls -----------------------------
n0=$(nmsg); mark
out=$(printf '%s' 'EHLO client.test
MAIL FROM:<mail4xx@example.org>
MAIL FROM:<mail5xx@example.org>
MAIL FROM:<a@example.org>
RCPT TO:<rcpt4xx@example.com>
RCPT TO:<b@example.com>
DATA
Subject: after refusals

x
.
QUIT
' | sed 's/$/\r/' | chat)
is "MAIL 451 and 553, RCPT 450 relayed; the session goes on and delivers" \
    "$(printf '%s\n' "$out" | codes)" "220 250 451 553 250 450 250 354 250 221 "
like "... the next hop's texts unchanged" "$(printf '%s' "$out" | tr '\n' ' ')" \
    "451 4\.3\.0 Sender deferred, try again 553 5\.7\.1 Sender refused 250 2\.1\.0 Ok 450 4\.2\.0 <rcpt4xx@example\.com>: Mailbox busy"
is "... one message at the next hop" "$(nmsg)" $((n0 + 1))
n0=$(nmsg); mark
out=$(sw --to data4xx@example.com --data @clean.eml)
like "next hop answers our DATA with 451: the client gets it at the dot" "$out" \
    "<\*\* 451 4\.3\.0 Try DATA later"
out=$(sw --to data5xx@example.com --data @clean.eml)
like "next hop answers our DATA with 554: the client gets it at the dot" "$out" \
    "<\*\* 554 5\.3\.0 DATA refused"
is "... nothing kept; DATA refused, RSET sent" "$(nmsg):$(since)" \
    "$n0:EHLO client.test MAIL FROM:<a@example.org> RCPT TO:<data4xx@example.com> DATA RSET QUIT EHLO client.test MAIL FROM:<a@example.org> RCPT TO:<data5xx@example.com> DATA RSET QUIT "
out=$(sw --from maildrop@example.org --to b@example.com --data @clean.eml)
like "next hop drops the connection at MAIL: 421" "$out" \
    "<\*\* 421 4\.4\.2 [^ ]+ Error: next hop closed the connection"
out=$(sw --to datadrop@example.com --data @clean.eml)
like "next hop drops the connection at our DATA: 451 at the dot, then 421" \
    "$(printf '%s' "$out" | tr '\n' ' ')" \
    "<\*\* 451 4\.4\.2 Error: next hop lost, message not delivered.*421 4\.4\.2"
t0=$(date +%s)
out=$(sw --to b@example.com --data 'X-Sink-Stall: yes\r\n\r\nx\r\n')
t=$(( $(date +%s) - t0 ))
like "next hop silent after the dot: 451 4.4.2 after server_timeout" "$out" \
    "<\*\* 451 4\.4\.2 Error: next hop lost, message not delivered"
ok "... within 3 to 6 s ($t s)" test "$t" -ge 3 -a "$t" -le 6
is "... nothing kept" "$(nmsg)" "$n0"

# --- client timeout, max_connections (SIGHUP) -------------------------------------------
t0=$(date +%s)
out=$(printf 'EHLO c\r\n' | chat)
like "idle client: 421 4.4.2 after client_timeout" "$out" \
    "421 4\.4\.2 [^ ]+ Error: timeout exceeded"
t=$(( $(date +%s) - t0 ))
ok "... within 2 to 4 s ($t s)" test "$t" -ge 2 -a "$t" -le 4

sed -i 's/^max_connections = 50/max_connections = 1/' vigil.cfg
reload
exec 4<>/dev/tcp/127.0.0.1/$PP
read -r -t 5 greet <&4
is "SIGHUP: max_connections 1; the first client is served" "$greet" \
    "220 sink.test ESMTP"$'\r'
out=$(sw --quit-after CONNECT)
like "... the second gets 421 4.3.2" "$out" "<\*\* 421 4\.3\.2 Too many connections"
exec 4>&-
sed -i 's/^max_connections = 1/max_connections = 50/' vigil.cfg

# --- many sessions at once, infected and clean of many sizes ------------------------
# vigil-smtpd keeps the memory files of answered scans and writes later
# messages over them: 20 sessions of 12 messages each, every third EICAR,
# the others of 1 KB to 200 KB (kept files shrink and grow, those over
# 128 KB are not kept), each with lines of its own id.  Every EICAR gets
# 554, every clean one 250, and the next hop holds exactly the clean ones,
# each with only its own lines: no message scanned as another
cat > mix.py <<'PYEOF'
import asyncio, sys

port, nsess, nmsg = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
eicar = open(sys.argv[4], "rb").read()
sizes = [1000, 9000, 60000, 130000, 200000, 3000, 140000, 20000]

async def reply(r):
    while True:
        l = await r.readline()
        if not l:
            raise ConnectionError("closed")
        if l[3:4] != b"-":
            return l[:3].decode()

def message(s, m):
    mid = "%d-%d" % (s, m)
    if (s + m) % 3 == 0:
        return mid, "eicar", eicar.replace(b"Subject: invoice",
            b"Subject: mix " + mid.encode())
    n = sizes[(s * 7 + m) % len(sizes)]
    line = ("line %s " % mid).encode() + b"x" * 60 + b"\r\n"
    return mid, "clean", (b"From: a@example.org\r\nSubject: mix " +
        mid.encode() + b"\r\n\r\n" + line * (n // len(line) + 1))

async def session(s, out):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    await reply(r)
    w.write(b"EHLO mix.test\r\n")
    await reply(r)
    for m in range(nmsg):
        mid, kind, body = message(s, m)
        codes = []
        for c in (b"MAIL FROM:<a@example.org>", b"RCPT TO:<b@example.com>",
                b"DATA"):
            w.write(c + b"\r\n")
            codes.append(await reply(r))
        w.write(body + b".\r\n")
        codes.append(await reply(r))
        out.append("%s %s %s" % (mid, kind, " ".join(codes)))
    w.write(b"QUIT\r\n")
    await reply(r)
    w.close()

async def main():
    out = []
    await asyncio.gather(*(session(s, out) for s in range(nsess)))
    print("\n".join(sorted(out)))

asyncio.run(main())
PYEOF
reload				# max_connections = 50
n0=$(nmsg)
$PY mix.py "$PP" 20 12 eicar.eml > mix.out
is "20 sessions at once, 240 messages: all answered" "$(wc -l < mix.out)" 240
is "... every EICAR refused with 554" \
    "$(grep -c ' eicar 250 250 354 554$' mix.out)" 80
is "... every clean one accepted" \
    "$(grep -c ' clean 250 250 354 250$' mix.out)" 160
is "... the next hop holds the 160 clean ones" "$(( $(nmsg) - n0 ))" 160
is "... exactly those" \
    "$(ls sink/msg | sort | tail -n 160 | sed 's|^|sink/msg/|' |
       xargs grep -h '^Subject: mix ' | tr -d '\r' | sed 's/^Subject: mix //' |
       sort)" "$(awk '$2 == "clean" { print $1 }' mix.out | sort)"
bad=0
for f in $(ls sink/msg | sort | tail -n 160); do
	id=$(grep -m1 '^Subject: mix ' "sink/msg/$f" | tr -d '\r' | sed 's/^Subject: mix //')
	# every body line is this message's own
	o=$(tr -d '\r' < "sink/msg/$f" | sed '1,/^$/d' | grep -cv "^line $id x*\$")
	[ "$o" = 0 ] || bad=$((bad + 1))
done
is "... each holding only its own lines" "$bad" 0

# --- smtp-sink behind, smtp-source in front: 200 messages, 20 sessions ------------------
smtp-sink -u nobody -d "$TMP/dump/%H%M%S." 127.0.0.1:$PK 256 2> smtp-sink.log &
KPID=$!
PIDS+=($KPID)
sed -i "s/^server_port = $PS/server_port = $PK/" vigil.cfg
reload
like "SIGHUP: new sessions go to smtp-sink" "$(grep 'reconfigure:' smtpd.log | tail -n 1)" \
    "next hop 127\.0\.0\.1:$PK"
n=$(logged 'result=clean action=accept')
smtp-source -s 20 -m 200 -f s@example.org -t r@example.net 127.0.0.1:$PP
is "smtp-source: 200 messages, exit 0" "$?" 0
is "... all 200 at smtp-sink" "$(find dump -type f | wc -l)" 200
is "... 200 log lines, clean and accepted" \
    "$(( $(logged 'result=clean action=accept') - n ))" 200
is "... each with the marks" "$(grep -l '^X-Vigil-Result: clean' -r dump | wc -l)" 200
# one kept connection carries every scan (up to 32 in flight): it and
# vigilctl's own are vigild's clients
is "... over one kept connection to vigild (not one per message)" \
    "$("$BIN"/vigilctl -s "$SOCK" status | grep '^clients:')" "clients: 2"

# 40 messages at once while vigild is stopped: 32 scans in flight on that
# connection fill its pipeline, the other 8 go on a second one (the bytes
# vigil-smtpd sent that vigild has not read: 32 requests on one, 8 of the
# same size and the greeting on the other); once vigild goes on, all 40
# are delivered
qs() { ss -xp | awk -v p="pid=$XPID," 'index($0, p) && $4 > 0 { print $4 }' |
    sort -n | tr '\n' ' '; }
n=$(find dump -type f | wc -l)
kill -STOP $VPID
smtp-source -s 40 -m 40 -f s@example.org -t r@example.net 127.0.0.1:$PP &
SPID=$!
for i in $(seq 200); do
	set -- $(qs)
	[ $# = 2 ] && [ $(($1 * 4)) -ge "$2" ] && break
	sleep 0.05
done
ok "vigild stopped, 40 messages: two connections, 32 and 8 scans queued ($*)" \
    test $# = 2 -a $((${1:-0} * 4)) -ge "${2:-1}"
kill -CONT $VPID
wait $SPID
is "... vigild goes on: smtp-source exits 0" "$?" 0
is "... all 40 delivered" "$(( $(find dump -type f | wc -l) - n ))" 40
is "... the second connection is kept too" \
    "$("$BIN"/vigilctl -s "$SOCK" status | grep '^clients:')" "clients: 3"

# a vigild that does not answer: after daemon_timeout the scan is tried
# again from the start, then the message is deferred
sed -i 's/^daemon_timeout = 20s$/daemon_timeout = 1s/' vigil.cfg
reload
n=$(find dump -type f | wc -l)
kill -STOP $VPID
t0=$(date +%s)
out=$(sw --to b@example.com --data @clean.eml)
t1=$(date +%s)
kill -CONT $VPID
like "vigild stopped: 451 4.7.1 after daemon_timeout" "$out" \
    "<\*\* 451 4\.7\.1 Temporary failure: the message could not be scanned"
ok "... within a few seconds ($((t1 - t0)) s)" test $((t1 - t0)) -le 6
is "... and not delivered" "$(find dump -type f | wc -l)" "$n"
like "... logged with the cause" "$(grep 'scan failed' smtpd.log | tail -n 1)" \
    "vigild: .*vigild\.sock: .*(timed out|Timer)"
sed -i 's/^daemon_timeout = 1s$/daemon_timeout = 20s/' vigil.cfg
reload
kill $KPID
wait $KPID 2>/dev/null
out=$(sw --to b@example.com --data @clean.eml)
like "next hop down: 421 4.3.0 at connect" "$out" \
    "<\*\* 421 4\.3\.0 [^ ]+ Service not available: next hop unreachable"
sed -i "s/^server_port = $PK/server_port = $PS/" vigil.cfg
reload

# --- vigild stopped and started again in the middle of one session --------------
n0=$(nmsg); mark
msg() { printf 'MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: %s\r\n\r\nbody\r\n.\r\n' "$1"; }
{ printf 'EHLO c\r\n'; msg one; echo @STEP; msg two; echo @STEP
  msg three; printf 'QUIT\r\n'; } | $PY steps.py "$PP" pause > mid.out &
CPID=$!
for i in $(seq 100); do [ -e pause/step1 ] && break; sleep 0.05; done
kill $VPID
wait $VPID 2>/dev/null
touch pause/go1
for i in $(seq 100); do [ -e pause/step2 ] && break; sleep 0.05; done
"$BIN"/vigild -f -c vigil.cfg 2>> vigild.log &
VPID=$!
PIDS+=($VPID)
for i in $(seq 100); do
	[ "$("$BIN"/vigilctl -s "$SOCK" ping 2>/dev/null)" = PONG ] && break
	sleep 0.1
done
touch pause/go2
wait $CPID
is "vigild stopped mid-session: 250, then 451 4.7.1, then 250 once it is back" \
    "$(codes < mid.out)" "220 250 250 250 354 250 250 250 354 451 250 250 354 250 221 "
like "... the second message deferred as not scanned" "$(cat mid.out)" \
    "451 4\.7\.1 Temporary failure: the message could not be scanned"
is "... the next hop got the first and the third, RSET for the second" \
    "$(nmsg):$(since | sed 's/<data>/D/g')" \
    "$((n0 + 2)):EHLO c MAIL FROM:<a@example.org> RCPT TO:<b@example.com> DATA D MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RSET MAIL FROM:<a@example.org> RCPT TO:<b@example.com> DATA D QUIT "
is "... and they are the first and the third" \
    "$(grep -h '^Subject' $(ls sink/msg/* | tail -n 2) | tr -d '\r' | tr '\n' ' ')" \
    "Subject: one Subject: three "

# --- split_recipients: a recipient whose sections decide otherwise waits ----------
sed -i 's/^max_message_size = 200K$/max_message_size = 200K\nsplit_recipients = yes/' vigil.cfg
reload
n0=$(nmsg); mark
printf 'EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<discard@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\nSubject: split\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
    chat > split.out
is "split_recipients: the recipient with another policy gets 452 4.5.3" \
    "$(codes < split.out)" "220 250 250 250 452 250 354 250 221 "
like "... saying why" "$(cat split.out)" "452 4\.5\.3 Recipient's virus policy differs"
is "... the next hop never saw it; the others got the message" \
    "$(nmsg):$(since | sed 's/<data>/D/g')" \
    "$((n0 + 1)):EHLO c MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RCPT TO:<c@example.com> DATA D QUIT "
sed -i '/^split_recipients = yes$/d' vigil.cfg
reload

# --- run_as: started as root, it becomes another user after binding -------------------
like "as root without run_as: a warning at start" \
    "$(grep -m1 'running as root' smtpd.log)" "set \[smtp\] run_as"
read -r PR < <($PY -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p spool2
chmod 777 spool2
sed -e "s/^listen_port = .*/listen_port = $PR/" \
    -e "s|^tmp_dir = .*|tmp_dir = $TMP/spool2\nrun_as = nobody|" vigil.cfg > runas.cfg
"$BIN"/vigil-smtpd -f -c runas.cfg 2> runas.log &
RPID=$!
PIDS+=($RPID)
for i in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/$PR) 2>/dev/null && break
	sleep 0.1
done
is "run_as = nobody: every uid and gid is nobody's" \
    "$(awk '/^Uid:/ { u = $2 ":" $3 ":" $4 ":" $5 }
    /^Gid:/ { g = $2 ":" $3 ":" $4 ":" $5 } END { print u "/" g }' /proc/$RPID/status)" \
    "$(id -u nobody):$(id -u nobody):$(id -u nobody):$(id -u nobody)/$(id -g nobody):$(id -g nobody):$(id -g nobody):$(id -g nobody)"
n0=$(nmsg)
out=$(swaks --server 127.0.0.1:$PR --helo client.test --from a@example.org \
    --to b@example.com --data @big.eml 2>&1)
is "... and it scans and relays a message spooled to tmp_dir" \
    "$(echo "$out" | grep -c '<- *250 '):$(nmsg)" "4:$((n0 + 1))"
kill -TERM $RPID
wait $RPID
sed -i 's/^run_as = nobody$/run_as = root/' runas.cfg
"$BIN"/vigil-smtpd -f -c runas.cfg 2> runas.log
rc=$?
is "run_as = root: refused, status 78" "$rc:$(grep -c 'run_as: user root' runas.log)" "78:1"
sed -i 's/^run_as = root$/run_as = no-such-user-here/' runas.cfg
"$BIN"/vigil-smtpd -f -c runas.cfg 2> runas.log
rc=$?
like "an unknown run_as: status 78, said" "$rc:$(cat runas.log)" \
    "^78:.*run_as: user no-such-user-here: no such user"

# --- SIGTERM: the message in DATA is finished, then 421 ---------------------------------
n0=$(nmsg)
printf 'EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n@PAUSE\nSubject: last\r\n\r\nbye\r\n.\r\nMAIL FROM:<a@example.org>\r\n' |
    chat pause > term.out &
CPID=$!
for i in $(seq 100); do [ -e pause/ready ] && break; sleep 0.05; done
kill -TERM $XPID
for i in $(seq 50); do [ "$(logged 'shutting down')" -gt 0 ] && break; sleep 0.1; done
out=$(sw --quit-after CONNECT)
like "SIGTERM: no new session" "$out" "Connection refused"
touch pause/go
wait $CPID
is "SIGTERM: the message in progress gets 250, then 421 4.3.2" \
    "$(codes < term.out)" "220 250 250 250 354 250 421 "
is "... and is delivered" "$(nmsg)" $((n0 + 1))
wait $XPID
is "... vigil-smtpd exits 0" "$?" 0
ok "... and removes its pid file" test ! -e "$TMP/smtpd.pid"

# --- vigild stopped ------------------------------------------------------------------------
start_proxy
kill $VPID
wait $VPID 2>/dev/null
n0=$(nmsg); mark
out=$(sw --to b@example.com --data @clean.eml)
like "vigild down: 451 4.7.1" "$out" "<\*\* 451 4\.7\.1 Temporary failure"
is "... nothing at the next hop, which got RSET" "$(nmsg):$(since)" \
    "$n0:EHLO client.test MAIL FROM:<a@example.org> RCPT TO:<b@example.com> RSET QUIT "
like "... logged as a failure" "$(grep 'scan failed' smtpd.log | tail -n 1)" \
    "vigild: .*vigild\.sock"
kill -TERM $XPID
wait $XPID
is "vigil-smtpd stops on SIGTERM when idle" "$?" 0
ok "no sanitizer report, no assertion" sh -c "! grep -Eq 'ERROR: AddressSanitizer|runtime error|assertion' smtpd.log"
