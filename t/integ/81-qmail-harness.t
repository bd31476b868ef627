#!/usr/bin/env bash
# the qmail-qfilter test harness itself (t/integ/qmail): the emulator run
# directly (envelope checks, environment, fd 4/5, exit codes), then real
# SMTP through tcpserver + mailfront + the emulator + stand-in shell
# filters + the fake qmail-queue
. "$(dirname "$0")/tap.sh"
. "$VIGIL_TOP/t/integ/qmail/harness.sh"
qmail_require
plan 67

PY=/usr/bin/python3
F=$TMP/filters
mkdir -p "$F" "$TMP/rec"
cd "$TMP" || exit 1

# filter NAME BODY: a stand-in filter script $F/NAME running BODY in sh
filter() {
	printf '#!/bin/sh\n%s\n' "$2" > "$F/$1"
	chmod 755 "$F/$1"
}
# hexof FILE: FILE's bytes as hex, so NULs survive $(...)
hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }
hexstr() { printf "$1" | od -An -tx1 -v | tr -d ' \n'; }

filter pass 'exit 0'
filter code 'exit "$1"'
# record DIR: keep what the filter saw (fd 0, fd 3, environment, cwd)
filter record 'd=$1
mkdir -p "$d"
cat > "$d/msg"
cat <&3 > "$d/env"
printf "%s" "$QMAILRCPTS" > "$d/rcpts"
printf "%s|%s|%s|%s|%s|%s\n" "$QMAILUSER" "$QMAILHOST" "$NUMRCPTS" \
    "$ENVSIZE" "$MSGSIZE" "${QMAILNAME-unset}" > "$d/vars"
cat "/proc/$QMAILPPID/comm" > "$d/ppid" 2>&1
pwd > "$d/cwd"'
# header TEXT: add a header line in front of the message
filter header 'printf "%s\n" "$1"; cat'
# fds REPORT: fd 0 and fd 3 seekable (read, rewind, read again), fds 1,
# 4 and 5 empty and at offset 0; one line of findings into REPORT
cat > "$F/fds" <<'EOF2'
#!/usr/bin/python3
import os, sys
def twice(fd):
	a = os.read(fd, 1 << 20)
	os.lseek(fd, 0, os.SEEK_SET)
	return a, os.read(fd, 1 << 20)
m1, m2 = twice(0)
e1, e2 = twice(3)
size = [os.fstat(fd).st_size for fd in (1, 4, 5)]
pos = [os.lseek(fd, 0, os.SEEK_CUR) for fd in (1, 4, 5)]
with open(sys.argv[1], "w") as f:
	f.write("%d %d %d %d %s %s %s\n" % (m1 == m2, e1 == e2, len(m1),
	    len(e1), size, pos, e1.hex()))
EOF2
chmod 755 "$F/fds"
# rcpt ADDR: replace the recipients with ADDR through fd 4
filter rcpt 'printf "F%s\0T%s\0\0" "$QMAILUSER@$QMAILHOST" "$1" >&4'
# badenv: write a malformed envelope to fd 4
filter badenv 'printf "Xnonsense" >&4'
# qq PROG: name PROG on fd 5 as the program that replaces qmail-queue
filter qq 'printf "%s\0" "$1" >&5'
filter signal 'kill -KILL $$'

printf 'From: a@example.org\nTo: r1@example.net\nSubject: harness\n\nline 1\n.line 2\n' \
    > m.eml
ENV=$(hexstr 'Fs@example.org\0Tr1@example.net\0Tr2@example.net\0\0')
printf 'Fs@example.org\0Tr1@example.net\0Tr2@example.net\0\0' > m.env
ENVSZ=$(stat -c %s m.env)

# --- the emulator alone -------------------------------------------------
QQ=$TMP/qq-direct
mkdir -p "$QQ"
# qf ARGS...: the emulator on m.eml and envelope file $ENVF, stored in $QQ
ENVF=m.env
qf() {
	env QQ_SPOOL="$QQ" QQF_QMAILQUEUE="$VIGIL_TOP/t/integ/qmail/fake-qmail-queue" \
	    QMAILNAME=someone $PY "$VIGIL_TOP/t/integ/qmail/qmail-qfilter" "$@" \
	    < m.eml 1< "$ENVF" 2> qf.err
}
qf "$F/pass"
is "pass-through exits 0" "$?" 0
ok "pass-through stores the message unchanged" cmp m.eml "$QQ/1.msg"
is "pass-through stores the envelope" "$(hexof "$QQ/1.env")" "$ENV"

qf "$F/record" "$TMP/rec/d1"
is "QMAILUSER|QMAILHOST|NUMRCPTS|ENVSIZE|MSGSIZE|QMAILNAME" \
    "$(cat rec/d1/vars)" "s|example.org|2|$ENVSZ|$(stat -c %s m.eml)|unset"
is "QMAILRCPTS: each recipient followed by a newline" \
    "$(hexof rec/d1/rcpts)" "$(hexstr 'r1@example.net\nr2@example.net\n')"
is "the filter reads the envelope on fd 3" "$(hexof rec/d1/env)" "$ENV"

printf 'F\0Tr@example.net\0\0' > null.env
ENVF=null.env qf "$F/record" "$TMP/rec/d2"
is "null sender: QMAILUSER and QMAILHOST empty" "$(cut -d'|' -f1-3 rec/d2/vars)" "||1"
printf 'Fa@b@example.org\0Tr@example.net\0\0' > at.env
ENVF=at.env qf "$F/record" "$TMP/rec/d3"
is "sender split at the last @" "$(cut -d'|' -f1-2 rec/d3/vars)" "a@b|example.org"
printf 'Fpostmaster\0Tr@example.net\0\0' > noat.env
ENVF=noat.env qf "$F/record" "$TMP/rec/d4"
is "sender without @: QMAILHOST empty" "$(cut -d'|' -f1-2 rec/d4/vars)" "postmaster|"

for bad in 'Fs@x\0Tr@y\0' 'Fs@x' 'Xs@x\0Tr@y\0\0' 'Fs@x\0Xr@y\0\0' ''; do
	printf "$bad" > bad.env
	ENVF=bad.env qf "$F/pass"
	is "bad envelope '$bad' -> 91" "$?" 91
done

n=$(ls "$QQ" | wc -l)
qf "$F/code" 99 -- "$F/record" "$TMP/rec/never"
is "exit 99 -> 0" "$?" 0
ok "exit 99 runs no later filter" test ! -e rec/never
is "exit 99 queues nothing" "$(ls "$QQ" | wc -l)" "$n"
for c in 31 71 1 20 100; do
	qf "$F/pass" -- "$F/code" "$c" -- "$F/record" "$TMP/rec/never"
	is "filter exit $c returned unchanged" "$?" "$c"
done
ok "no filter runs after a failing one" test ! -e rec/never
qf "$F/signal"
is "filter killed by a signal -> 81" "$?" 81
qf "$F/no-such-filter"
is "filter that cannot be started -> 81" "$?" 81
QQ_EXIT=53 qf "$F/pass"
is "qmail-queue's exit code is returned" "$?" 53
qf "$F/pass" -- "$F/badenv"
is "bad envelope on fd 4 -> 91" "$?" 91

qf "$F/fds" "$TMP/rec/fds"
is "fds: 0 and 3 seekable, 1/4/5 empty at offset 0" "$(cat rec/fds)" \
    "1 1 $(stat -c %s m.eml) $ENVSZ [0, 0, 0] [0, 0, 0] $ENV"

n=$(ls "$QQ"/*.env | wc -l)
qf "$F/rcpt" new@example.com -- "$F/record" "$TMP/rec/d5"
is "fd 4: the next filter sees the new envelope" "$(cut -d'|' -f3-4 rec/d5/vars)" "1|33"
is "fd 4: QMAILRCPTS follows it" "$(cat rec/d5/rcpts)" "new@example.com"
is "fd 4: qmail-queue gets it" "$(hexof "$QQ/$((n + 1)).env")" \
    "$(hexstr 'Fs@example.org\0Tnew@example.com\0\0')"

filter altqq 'cat > "$1.msg"; cat <&1 > "$1.env"; exit 0'
printf '#!/bin/sh\nexec %q %q\n' "$F/altqq" "$TMP/alt" > "$F/alt"
chmod 755 "$F/alt"
n=$(ls "$QQ" | wc -l)
qf "$F/qq" "$F/alt" -- "$F/pass"
is "fd 5 names the program run instead of qmail-queue" "$?" 0
ok "fd 5: that program got the message" cmp m.eml alt.msg
is "fd 5: and the envelope" "$(hexof alt.env)" "$ENV"
is "fd 5: the usual qmail-queue did not run" "$(ls "$QQ" | wc -l)" "$n"

# --- real SMTP: swaks -> tcpserver -> mailfront -> emulator -------------
qmail_start "$F/record" "$TMP/rec/s1" || { diag "qmail_start failed"; exit 1; }
R=$(qmail_send s@example.org r1@example.net,r2@example.net m.eml)
is "pass-through: swaks exits 0" "$?" 0
like "pass-through: 250" "$R" '^250 2\.6\.0 Accepted message'
is "pass-through: one message stored" "$(qmail_count)" 1
ok "pass-through: stored byte-identical to what was sent" cmp m.eml "$QM_SPOOL/1.msg"
ok "pass-through: the filter read that same message" cmp m.eml rec/s1/msg
is "pass-through: envelope stored" "$(hexof "$QM_SPOOL/1.env")" "$ENV"
is "SMTP: QMAILUSER|QMAILHOST|NUMRCPTS|ENVSIZE|MSGSIZE|QMAILNAME" \
    "$(cat rec/s1/vars)" "s|example.org|2|$ENVSZ|$(stat -c %s m.eml)|unset"
is "SMTP: QMAILRCPTS" "$(hexof rec/s1/rcpts)" \
    "$(hexstr 'r1@example.net\nr2@example.net\n')"
is "SMTP: envelope on fd 3" "$(hexof rec/s1/env)" "$ENV"
is "SMTP: QMAILPPID is mailfront" "$(cat rec/s1/ppid)" mailfront
is "SMTP: the filter runs in mailfront's QMAILHOME" "$(cat rec/s1/cwd)" "$QM/home"

qmail_clear
qmail_filters "$F/fds" "$TMP/rec/s2"
R=$(qmail_send s@example.org r1@example.net,r2@example.net m.eml)
is "SMTP: fd 0 and fd 3 seekable" "$(cut -d' ' -f1-4 rec/s2)" \
    "1 1 $(stat -c %s m.eml) $ENVSZ"

qmail_clear
qmail_filters "$F/header" "X-Rewritten: yes"
R=$(qmail_send s@example.org r1@example.net m.eml)
like "rewrite: 250" "$R" '^250 '
is "rewrite: the filter's output is stored" "$(cat "$QM_SPOOL/1.msg")" \
    "$(printf 'X-Rewritten: yes\n'; cat m.eml)"

qmail_clear
qmail_filters "$F/header" "X-One: 1" -- "$F/record" "$TMP/rec/s3" -- \
    "$F/header" "X-Two: 2"
R=$(qmail_send s@example.org r1@example.net m.eml)
like "chain: 250" "$R" '^250 '
is "chain: the second filter reads the first one's output" \
    "$(cat rec/s3/msg)" "$(printf 'X-One: 1\n'; cat m.eml)"
is "chain: MSGSIZE is the new size" "$(cut -d'|' -f5 rec/s3/vars)" \
    "$(($(stat -c %s m.eml) + 9))"
is "chain: both rewrites are stored" "$(cat "$QM_SPOOL/1.msg")" \
    "$(printf 'X-Two: 2\nX-One: 1\n'; cat m.eml)"

qmail_clear
qmail_filters "$F/code" 31
R=$(qmail_send s@example.org r1@example.net m.eml)
is "exit 31: swaks sees the DATA refused" "$?" 26
is "exit 31: 5xx" "$R" "554 5.3.0 Message refused."
qmail_filters "$F/code" 71
R=$(qmail_send s@example.org r1@example.net m.eml)
is "exit 71: 4xx" "$R" "451 4.3.0 Message refused by mail server."
qmail_filters "$F/code" 1
R=$(qmail_send s@example.org r1@example.net m.eml)
is "exit 1 (other): 4xx" "$R" "451 4.3.0 Temporary qmail-queue failure."
qmail_filters "$F/code" 20
R=$(qmail_send s@example.org r1@example.net m.eml)
is "exit 20 (11-40): 5xx" "$R" "554 5.3.0 Message rejected by qmail-queue."
qmail_filters "$F/signal"
R=$(qmail_send s@example.org r1@example.net m.eml)
is "filter killed: 4xx (81)" "$R" "451 4.3.0 Internal qmail-queue bug."
is "nothing stored after refusals" "$(qmail_count)" 0
qmail_filters "$F/code" 99 -- "$F/record" "$TMP/rec/never"
R=$(qmail_send s@example.org r1@example.net m.eml)
is "exit 99: swaks exits 0" "$?" 0
like "exit 99: 250" "$R" '^250 '
is "exit 99: nothing stored" "$(qmail_count)" 0
qmail_filters "$F/pass"
qmail_queue_exit 53
R=$(qmail_send s@example.org r1@example.net m.eml)
like "qmail-queue failing with 53: 4xx" "$R" '^451 '
is "qmail-queue failing: nothing stored" "$(qmail_count)" 0
qmail_queue_exit 0
qmail_stop

# Debian's smtpfront-qmail wrapper (plugins, Received: line) works too
QMAIL_FRONT=smtpfront-qmail qmail_start "$F/pass" ||
    { diag "qmail_start failed"; exit 1; }
R=$(qmail_send s@example.org r1@example.net m.eml)
like "smtpfront-qmail: 250" "$R" '^250 '
is "smtpfront-qmail: Received: line, then the message" \
    "$(head -1 "$QM_SPOOL/1.msg" | cut -c1-9; tail -n +4 "$QM_SPOOL/1.msg")" \
    "$(echo Received:; cat m.eml)"
qmail_stop
exit $((_failed > 0))
