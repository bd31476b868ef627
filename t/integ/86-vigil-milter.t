#!/usr/bin/env bash
# 86-vigil-milter.t - vigil-milter with its own vigild.  miltertest scripts
# (t/integ/milter/*.lua) play the MTA: clean mail marked, EICAR rejected
# with the exact reply, defer, discard, quarantine, a cleaned body, a
# tagged subject, the first recipient's sections, an abort, a 20 MB
# message through the file spool, a spool that cannot be written, and
# vigild stopped (451 4.7.1); the queue id in every log line; SIGTERM.
# Then end to end through a private Postfix instance on loopback
# (smtpd_milters, milter_default_action = tempfail) driven by swaks:
# clean mail delivered with the header, EICAR refused with 554 5.7.1,
# vigild stopped and then vigil-milter stopped give 4xx.  Postfix runs
# from its own main.cf and master.cf under TMP (postfix -c), never from
# /etc/postfix; it needs root, else those tests are skipped.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/postfix.sh"
command -v miltertest >/dev/null || skip_all "miltertest is not installed"
[ -x "$BIN/vigil-milter" ] || skip_all "vigil-milter is not built"
plan 92

LUA=$VIGIL_TOP/t/integ/milter
cd "$TMP" || exit 1
chmod 755 "$TMP"		# Postfix's unprivileged processes come in here
SOCK=$TMP/vigild.sock
MSOCK=$TMP/milter.sock
BASE=$TMP/base
mkdir -p "$BASE" q spool
"$BIN"/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
SCANNER="Vigil $(cat "$VIGIL_TOP/VERSION") ($(readlink "$BASE/current" |
    sed 's/^gen-//'))"
freeport() {
	/usr/bin/python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
MPORT=$(freeport)
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
syslog_facility = none
log_file = $TMP/vigil.log
log_level = 5
daemon_addr = $SOCK
daemon_timeout = 20s
quarantine_dir = $TMP/q
[daemon]
socket = $SOCK
num_workers = 2
pid_file = $TMP/vigild.pid
user = nobody
reload_check_interval = 0
[smfi]
milter_socket = unix:$MSOCK
milter_timeout = 60s
tmp_dir = $TMP/spool
spool_memory = 1M
[discard@example.com]
action_on_infected = discard
[quarantine@example.com]
action_on_infected = quarantine
[defer@example.com]
action_on_infected = defer
[clean@example.com]
action_on_infected = clean
[tag@example.com]
action_on_infected = clean
write_to_subject = [VIRUS %s]
EOF
# the same, but on TCP and with a tmp_dir that does not exist
sed -e "s|^milter_socket = .*|milter_socket = inet:$MPORT@127.0.0.1|" \
    -e "s|^tmp_dir = .*|tmp_dir = $TMP/nothing|" \
    -e "s|^spool_memory = .*|spool_memory = 64K|" vigil.cfg > vigil2.cfg

# message bodies, CRLF as an MTA sends them
E64=$(printf '%s' "$EICAR" | base64 -w0)
printf -- '--BB\r\nContent-Type: text/plain\r\n\r\nPlease see the attachment.\r
--BB\r\nContent-Type: application/octet-stream; name="eicar.com"\r
Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--BB--\r\n' "$E64" > mixed.body
# what the clean action makes of it: the attachment becomes a notice
printf -- '--BB\r\nContent-Type: text/plain\r\n\r\nPlease see the attachment.\r
--BB\r\nContent-Type: text/plain; charset=us-ascii\r
Content-Disposition: inline\r\nContent-Transfer-Encoding: 7bit\r\n\r
Vigil removed this part of the message: it was infected.\r\nFile: eicar.com\r
Type: application/octet-stream\r\nFound: Eicar-Test-Signature\r\n--BB--\r\n' \
    > cleaned.body
yes 'Twenty megabytes of plain text, line after line, to be spooled to a file.' |
    sed 's/$/\r/' | head -c 20971520 > big-clean.body
{ cat big-clean.body; printf 'VIGIL-TEST-SIGNATURE: this is not a virus\r\n'; } \
    > big-virus.body
head -c 102400 big-clean.body > 100k.body

VPID= MPID= M2PID= PF=
cleanup() {
	[ -n "$PF" ] && postfix -c "$PF/etc" stop >/dev/null 2>&1
	# shellcheck disable=SC2086
	kill $VPID $MPID $M2PID 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
# waitfor SECONDS CMD...: until CMD succeeds; 1 when time runs out
waitfor() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# mt SOCKET SCRIPT: miltertest's output, then its exit status
mt() {
	miltertest -D SOCK="$1" -D DATA="$TMP" -D LIB="$LUA/lib.lua" \
	    -D VSCANNER="$SCANNER" -s "$LUA/$2.lua" 2>&1
	echo "exit $?"
}
# lines DESC GOT WANT: one test per line of WANT, then one for the count
lines() {
	local i=0 w
	while IFS= read -r w; do
		i=$((i + 1))
		is "$1: ${w%%: *}" "$(sed -n "${i}p" <<<"$2")" "$w"
	done <<<"$3"
	is "$1: nothing else" "$(wc -l <<<"$2")" "$i"
}

"$BIN"/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
waitfor 10 test -S "$SOCK"
waitfor 10 pgrep -f "vigild -c $TMP/vigil.cfg -x worker" >/dev/null
"$BIN"/vigil-milter -f -c vigil.cfg 2> milter.log &
MPID=$!
"$BIN"/vigil-milter -f -c vigil2.cfg 2> milter2.log &
M2PID=$!
waitfor 10 test -S "$MSOCK"
waitfor 10 grep -q 'started on inet:' milter2.log

# --- run_as: started as root, it becomes nobody once its socket is open ----
like "as root without run_as: a warning at start" \
    "$(grep -m1 'running as root' milter.log)" "set \[smfi\] run_as"
mkdir -p m3 spool3
chown nobody m3
chmod 777 spool3
sed -e "s|^milter_socket = .*|milter_socket = unix:$TMP/m3/milter.sock|" \
    -e "s|^tmp_dir = .*|tmp_dir = $TMP/spool3\nrun_as = nobody|" \
    -e "/^log_file = /d" vigil.cfg > vigil3.cfg
"$BIN"/vigil-milter -f -c vigil3.cfg 2> milter3.log &
M3PID=$!
waitfor 10 grep -q 'started on unix:' milter3.log
NU=$(id -u nobody) NG=$(id -g nobody)
is "run_as = nobody: every uid and gid is nobody's" \
    "$(awk '/^Uid:/ { u = $2 ":" $3 ":" $4 ":" $5 }
    /^Gid:/ { g = $2 ":" $3 ":" $4 ":" $5 } END { print u "/" g }' \
    /proc/$M3PID/status)" "$NU:$NU:$NU:$NU/$NG:$NG:$NG:$NG"
is "... its socket is nobody's" "$(stat -c %u "$TMP/m3/milter.sock")" "$NU"
is "... and it filters (miltertest, clean message)" \
    "$(mt "unix:$TMP/m3/milter.sock" clean | tail -n 1)" "exit 0"
kill -TERM "$M3PID"
waitfor 15 gone "$M3PID"
wait "$M3PID"
is "... SIGTERM: exits 0 and removes its socket" \
    "$?:$(test -e "$TMP/m3/milter.sock"; echo $?)" "0:1"
sed -i 's/^run_as = nobody$/run_as = no-such-user-here/' vigil3.cfg
"$BIN"/vigil-milter -f -c vigil3.cfg 2> milter3.log
is "an unknown run_as: status 78, said" \
    "$?:$(grep -c 'run_as: user no-such-user-here: no such user' milter3.log)" \
    "78:1"

# --- miltertest: the filter alone --------------------------------------------
lines "clean" "$(mt "unix:$MSOCK" clean)" "action ADDHDRS: true
action CHGHDRS: true
action CHGBODY: true
action QUARANTINE: true
reply: accept
X-Vigil-Result: clean
X-Virus-Scanner: $SCANNER
inserted at 0: true
inserted at 1: true
inserted elsewhere: false
body changed: false
quarantined: false
reply: accept
added: true
added: true
inserted: false
exit 0"

lines "policy" "$(mt "unix:$MSOCK" policy)" "reject: replycode
reject 554 5.7.1: true
reject marks: false
defer: replycode
defer 451 4.7.1: true
discard: discard
quarantine: accept
quarantine reason: true
quarantine marks: false
discard first: discard
discard second: replycode
clean: accept
clean X-Vigil-Result: cleaned
clean new body: true
clean subject: false
tag: accept
tag subject: true
tag new body: true
uncleanable: replycode
uncleanable 554 5.7.1: true
after abort: accept
after abort X-Vigil-Result: clean
exit 0"
is "quarantine, clean and tag kept the originals" \
    "$(ls q/*.eml | wc -l):$(ls q/*.meta | wc -l)" "3:3"
is "the quarantined original, byte for byte" \
    "$(grep -l '^Subject: hello' q/*.eml | xargs cat | od -c)" \
    "$(printf 'From: a@example.org\r\nTo: user@example.com\r\nSubject: hello\r
\r\n%s\r\n' "$EICAR" | od -c)"

lines "20 MB" "$(mt "unix:$MSOCK" big)" "big clean: accept
big clean X-Vigil-Result: clean
big clean body changed: false
big infected: replycode
big infected 554 5.7.1: true
exit 0"
is "the spool files are gone" "$(ls -A spool)" ""

lines "spool" "$(mt "inet:$MPORT@127.0.0.1" spool)" "in memory: accept
in memory X-Vigil-Result: clean
over spool_memory: replycode
over spool_memory 451 4.7.1: true
exit 0"

# --- the log: the queue id first on every line of a message ----------------
ml=$(grep ' vigil-milter\[' vigil.log |
    sed 's/^[^ ]* vigil-milter\[[0-9]*\]: //')
is "log: a clean message" "$(grep -c '^QCLEAN1: client=client.example.org\[192.0.2.1\] from=<sender@example.org> to=<user@example.com> size=73 result=clean action=accept: Clean$' <<<"$ml")" 1
like "log: a rejected one" "$(grep '^QREJECT: ' <<<"$ml")" \
    ' result=deleted action=reject: Virus found: Eicar-Test-Signature$'
like "log: the first recipient and how many more" \
    "$(grep '^QFIRST1: ' <<<"$ml")" \
    ' to=<discard@example.com> \(\+1\) .* action=discard: '
like "log: the quarantine file" "$(grep '^QQUAR: ' <<<"$ml")" \
    " action=quarantine kept=$TMP/q/vigil-[0-9T]+-[^ ]+\.eml: Virus found"
is "log: the spool failure" "$(grep '^QFILE: ' <<<"$ml")" \
    "QFILE: spool in $TMP/nothing: No such file or directory
QFILE: not scanned: the spool in $TMP/nothing failed: No such file or directory"
is "log: every other line starts with a queue id or NOQUEUE" \
    "$(grep -Ev '^(Q[A-Z0-9]+|NOQUEUE): |^vigil-milter [0-9.]+ started on |^tmp_dir |^running as root: ' <<<"$ml")" ""

# --- end to end through Postfix ----------------------------------------------
pfskip=""
if [ "$(id -u)" -ne 0 ]; then
	pfskip="a private Postfix needs root"
elif ! command -v postfix >/dev/null || ! command -v swaks >/dev/null; then
	pfskip="postfix or swaks is not installed"
elif ! id postfix >/dev/null 2>&1 || ! getent group postdrop >/dev/null ||
    ! id nobody >/dev/null 2>&1; then
	pfskip="no postfix or nobody user, or no postdrop group"
fi
if [ -z "$pfskip" ]; then
	PF=$TMP/pf
	PORT=$(freeport)
	# smtpd runs as postfix: it needs the milter socket (mode 0660)
	chgrp postfix "$MSOCK"
	pf_setup "$PF" example.com "static:box/" \
	    "smtpd_milters = unix:$MSOCK" "non_smtpd_milters =" \
	    "milter_default_action = tempfail"
	echo "127.0.0.1:$PORT inet n - n - - smtpd" >> "$PF/etc/master.cf"
	if ! postfix -c "$PF/etc" start >pfstart.log 2>&1; then
		diag "$(cat pfstart.log "$PF/maillog" 2>/dev/null)"
		pfskip="postfix did not start"
		PF=
	fi
fi
sw() {
	swaks --server "127.0.0.1:$PORT" --from s@example.org \
	    --to u@example.com --data @"$1" 2>&1
	echo "exit $?"
}
delivered() { [ "$(ls "$PF/vmail/box/new" 2>/dev/null | wc -l)" -eq "$1" ]; }
if [ -n "$pfskip" ]; then
	skip 10 "$pfskip"
else
	waitfor 10 /usr/bin/python3 -c "import socket
socket.create_connection(('127.0.0.1', $PORT), 1)"
	printf 'From: a@example.org\r\nTo: u@example.com\r\nSubject: hello\r
\r\nJust text.\r\n' > clean.eml
	printf 'From: a@example.org\r\nTo: u@example.com\r\nSubject: eicar\r
\r\n%s\r\n' "$EICAR" > eicar.eml

	out=$(sw clean.eml)
	like "postfix: clean mail queued" "$out" \
	    '<-  250 2\.0\.0 Ok: queued as [0-9A-F]+'
	qid=$(sed -n 's/.*queued as \([0-9A-F]*\).*/\1/p' <<<"$out")
	ok "postfix: clean mail delivered" waitfor 20 delivered 1
	msg=$(cat "$PF"/vmail/box/new/* 2>/dev/null | tr -d '\r')
	is "postfix: with the marks" "$(grep '^X-Vi' <<<"$msg")" \
	    "X-Vigil-Result: clean
X-Virus-Scanner: $SCANNER"
	is "postfix: and the body" "$(sed '1,/^$/d' <<<"$msg")" "Just text."
	like "postfix: the milter logged Postfix's queue id" \
	    "$(grep " vigil-milter\[[0-9]*\]: $qid: " vigil.log)" \
	    "$qid: client=localhost\[127\.0\.0\.1\] from=<s@example.org> to=<u@example.com> .* result=clean action=accept: Clean$"

	out=$(sw eicar.eml)
	like "postfix: EICAR refused with 554 5.7.1" "$out" \
	    '<\*\* 554 5\.7\.1 Virus found: Eicar-Test-Signature'
	like "postfix: swaks says: refused after DATA" "$out" 'exit 26$'
	like "postfix: logged milter-reject" "$(cat "$PF/maillog")" \
	    'milter-reject: END-OF-MESSAGE .* 5\.7\.1 Virus found: Eicar-Test-Signature'

	kill "$VPID"
	waitfor 10 gone "$VPID"
	out=$(sw clean.eml)
	like "postfix: vigild stopped: 451 4.7.1 from the milter" "$out" \
	    '<\*\* 451 4\.7\.1 Temporary failure: message not scanned, try again later'
	ok "postfix: nothing more delivered" delivered 1
fi
if ! gone "$VPID"; then
	kill "$VPID"
	waitfor 10 gone "$VPID"
fi
VPID=

# --- vigild stopped: miltertest --------------------------------------------
lines "vigild stopped" "$(mt "unix:$MSOCK" tempfail)" "vigild down: replycode
vigild down 451 4.7.1: true
vigild down marks: false
infected, vigild down: replycode
infected, vigild down 451 4.7.1: true
exit 0"

# --- SIGTERM: both filters stop (libmilter looks every 5 s), socket gone ----
kill -TERM "$MPID" "$M2PID"
waitfor 15 gone "$MPID"
waitfor 15 gone "$M2PID"
wait "$MPID"
st1=$?
wait "$M2PID"
st2=$?
MPID= M2PID=
is "SIGTERM: both exit 0" "$st1:$st2" "0:0"
is "SIGTERM: the unix socket is removed" "$(test -e "$MSOCK"; echo $?)" 1
is "SIGTERM: logged" "$(tail -1 milter.log)" "vigil-milter: vigil-milter stopped"
if [ -n "$pfskip" ]; then
	skip 2 "$pfskip"
else
	out=$(sw clean.eml)
	like "postfix: vigil-milter stopped: 4xx (milter_default_action)" \
	    "$out" '<\*\* 451 4\.7\.1 '
	ok "postfix: still one message delivered" delivered 1
fi
