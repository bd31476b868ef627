# harness.sh - real SMTP into a qmail-qfilter filter chain (sourced)
#
#	. "$VIGIL_TOP/t/integ/qmail/harness.sh"	(after tap.sh)
#	qmail_require			skip_all unless the tools are there
#	qmail_start FILTER [ARGS] [-- FILTER [ARGS]...]
#	qmail_filters FILTER [ARGS] [-- FILTER [ARGS]...]
#	qmail_queue_exit N		fake qmail-queue fails with N (0: stores)
#	qmail_send FROM RCPT[,RCPT...] FILE [SWAKS-ARGS...]
#	qmail_count			number of stored messages
#	qmail_clear			empty the spool
#	qmail_stop
#
# The chain is the one qmail-smtpd + qmail-qfilter give:
#	swaks -> tcpserver -> mailfront (smtp, qmail backend) -> $QMAILQUEUE
#	= $QM/bin/qq, a wrapper that execs the qmail-qfilter emulator with the
#	filters -> each filter -> fake-qmail-queue, which stores N.msg/N.env
#	in $QM_SPOOL.
#
# qmail_start picks a free 127.0.0.1 port ($QM_PORT), starts tcpserver
# ($QM_PID, log $QM/tcpserver.log) and returns once it listens.  The front
# end is "mailfront smtp qmail accept" (no Received: line is added, so a
# stored message is the DATA sent, with LF line ends); QMAIL_FRONT=
# smtpfront-qmail uses Debian's wrapper instead (its plugin set, with
# RELAYCLIENT= so any recipient is accepted; it adds a Received: line).
# Variables exported before qmail_start reach the filters.  tcpserver dies
# with the test script (SIGTERM as parent-death signal), so an EXIT trap
# of the test's own need not stop it.
#
# qmail_filters replaces the chain for the next messages without a
# restart.  qmail_send prints the server's reply to the end of DATA (the
# last reply before QUIT, so a refused RCPT shows instead) and returns
# swaks's exit code (0 accepted, 26 refused after DATA, 24 no RCPT); the
# transcript is in $QM/swaks.log.  FILE goes out as it is (swaks's data
# rewriting is off; we add CRLF and dot-stuffing), so with the default
# front end a stored N.msg is byte-identical to an LF-terminated FILE.
#
# Other names: $QM (the harness directory), $QM_SPOOL, $QM_QFILTER (the
# emulator), $QM_FAKEQQ (the fake qmail-queue).  $QM/home is mailfront's
# $QMAILHOME and so the working directory of the filters.

QM=$TMP/qmail
QM_SPOOL=$QM/spool
QM_QFILTER=$QM/bin/qmail-qfilter
QM_FAKEQQ=$QM/bin/fake-qmail-queue
QM_PORT=
QM_PID=

# qmail_require - skip the whole test unless tcpserver, mailfront, swaks
qmail_require() {
	local p

	for p in tcpserver mailfront smtpfront-qmail swaks setpriv; do
		command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
		    skip_all "$p is not installed (bash scripts/deps)"
	done
	[ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 is missing"
}

# qmail_filters - write the QMAILQUEUE wrapper running these filters
qmail_filters() {
	local w=$QM/bin/qq

	[ $# -gt 0 ] || { diag "qmail_filters: no filter"; return 1; }
	{
		printf '#!/bin/bash\n'
		printf 'QQ_EXIT=$(cat %q 2>/dev/null)\n' "$QM/qq-exit"
		printf 'export QQ_EXIT\n'
		printf 'exec %q' "$QM_QFILTER"
		printf ' %q' "$@"
		printf '\n'
	} > "$w.tmp" && chmod 755 "$w.tmp" && mv "$w.tmp" "$w"
}

# qmail_queue_exit - make the fake qmail-queue exit N without storing
qmail_queue_exit() {
	printf '%s\n' "$1" > "$QM/qq-exit"
}

# _qmail_port - print a 127.0.0.1 TCP port that is free right now
_qmail_port() {
	/usr/bin/python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# qmail_start - set up $QM and start tcpserver + mailfront on a free port
qmail_start() {
	local front try i here

	here=$VIGIL_TOP/t/integ/qmail
	mkdir -p "$QM/bin" "$QM/home" "$QM_SPOOL" || return 1
	cp "$here/qmail-qfilter" "$QM_QFILTER" &&
	    cp "$here/fake-qmail-queue" "$QM_FAKEQQ" &&
	    chmod 755 "$QM_QFILTER" "$QM_FAKEQQ" || return 1
	qmail_filters "$@" || return 1
	qmail_queue_exit 0
	case ${QMAIL_FRONT:-mailfront} in
	mailfront) front="mailfront smtp qmail accept" ;;
	smtpfront-qmail) front="env RELAYCLIENT= smtpfront-qmail" ;;
	*) diag "QMAIL_FRONT: unknown ${QMAIL_FRONT}"; return 1 ;;
	esac
	export PATH="$PATH:/usr/sbin"
	for try in 1 2 3 4 5; do
		QM_PORT=$(_qmail_port) || return 1
		: > "$QM/tcpserver.log"
		# shellcheck disable=SC2086
		setpriv --pdeathsig TERM tcpserver -v -R -H -l localhost \
		    127.0.0.1 "$QM_PORT" env QMAILHOME="$QM/home" \
		    QMAILQUEUE="$QM/bin/qq" QQF_QMAILQUEUE="$QM_FAKEQQ" \
		    QQ_SPOOL="$QM_SPOOL" $front \
		    </dev/null >>"$QM/tcpserver.log" 2>&1 &
		QM_PID=$!
		# tcpserver -v logs "status: 0/N" once it listens
		for ((i = 0; i < 200; i++)); do
			grep -q '^tcpserver: status: 0/' "$QM/tcpserver.log" &&
			    return 0
			kill -0 "$QM_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill "$QM_PID" 2>/dev/null
		wait "$QM_PID" 2>/dev/null
		diag "tcpserver on port $QM_PORT: $(tail -1 "$QM/tcpserver.log")"
	done
	QM_PID=
	return 1
}

# qmail_stop - stop tcpserver
qmail_stop() {
	[ -n "$QM_PID" ] || return 0
	kill "$QM_PID" 2>/dev/null
	wait "$QM_PID" 2>/dev/null
	QM_PID=
}

# _qmail_smtp_data - FILE as DATA text: CRLF, dot-stuffed, "." at the end
_qmail_smtp_data() {
	/usr/bin/python3 -c '
import re, sys
d = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
if d and not d.endswith(b"\n"):
	d += b"\n"
d = re.sub(rb"(?m)^\.", b"..", d).replace(b"\n", b"\r\n")
sys.stdout.buffer.write(d + b".")' "$1"
}

# qmail_send - send FILE from FROM to RCPTS, print the final reply
qmail_send() {
	local from=$1 to=$2 file=$3 rc

	shift 3
	# swaks would rewrite the text (tokens, From_ lines, a blank line
	# at the end): send it ready-made with --no-data-fixup
	_qmail_smtp_data "$file" > "$QM/data.smtp" || return 1
	swaks --server "127.0.0.1:$QM_PORT" --helo client.example \
	    --from "$from" --to "$to" --data @"$QM/data.smtp" \
	    --no-data-fixup --suppress-data --timeout 30 \
	    "$@" > "$QM/swaks.log" 2>&1
	rc=$?
	# the last server reply line before " -> QUIT"
	awk '/^ -> QUIT/ { print r; exit } /^<(-|\*\*) / { r = substr($0, 5) }' \
	    "$QM/swaks.log"
	return $rc
}

# qmail_count - print the number of stored messages
qmail_count() {
	find "$QM_SPOOL" -name '*.msg' | wc -l | tr -d ' '
}

# qmail_clear - remove every stored message
qmail_clear() {
	find "$QM_SPOOL" -mindepth 1 -delete
}
