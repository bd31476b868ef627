#!/usr/bin/env bash
# 87-smtpd-postfix.t - vigil-smtpd with a real Postfix, set up exactly as
# vigil-smtpd.8 says, on loopback ports of our own: two private Postfix
# instances (postfix -c DIR, main.cf and master.cf under TMP; nothing in
# /etc/postfix is read or touched).
#
# After-queue content filter: Postfix :P1 queues, the "vigil" transport
# hands the message to vigil-smtpd :P2 (XFORWARD on), which sends it back
# to Postfix's second smtpd :P3 (content_filter= empty), which delivers
# to a virtual mailbox.  Clean mail arrives with X-Vigil-Result and the
# client's HELO name passed on by XFORWARD; EICAR with the man page's
# action_on_infected = discard is taken (250) and dropped; a recipient
# whose section says reject gets Postfix's bounce (554 5.7.1 at the end
# of data); vigild stopped: 451, Postfix defers and keeps the message,
# and delivers it once vigild is back and the queue is flushed.
#
# Before-queue proxy: Postfix :P4 with smtpd_proxy_filter = vigil-smtpd
# :P5 (action_on_infected = reject), which feeds Postfix :P6.  Clean mail
# is delivered with X-Vigil-Result; EICAR is refused to swaks itself with
# 554 5.7.1 and never queued.
#
# Needs root (Postfix's master), postfix and swaks; skipped otherwise.
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/postfix.sh"
PY=/usr/bin/python3
[ -x "$BIN/vigil-smtpd" ] || skip_all "vigil-smtpd is not built"
[ "$(id -u)" -eq 0 ] || skip_all "a private Postfix needs root"
command -v postfix >/dev/null && command -v swaks >/dev/null ||
    skip_all "postfix or swaks is not installed"
id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null &&
    id nobody >/dev/null 2>&1 ||
    skip_all "no postfix or nobody user, or no postdrop group"
plan 21

cd "$TMP"
chmod 755 "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
mkdir -p "$BASE" spool
"$BIN"/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
read -r P1 P2 P3 P4 P5 P6 < <($PY -c 'import socket
ss = [socket.socket() for i in range(6)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

VPID= XPID= YPID= PFA= PFB=
cleanup() {
	[ -n "$PFA" ] && postfix -c "$PFA/etc" stop >/dev/null 2>&1
	[ -n "$PFB" ] && postfix -c "$PFB/etc" stop >/dev/null 2>&1
	# shellcheck disable=SC2086
	kill $VPID $XPID $YPID 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
# waitfor TENTHS CMD...: until CMD succeeds; 1 when time runs out
waitfor() {
	local n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}
ping() { [ "$("$BIN"/vigilctl -s "$SOCK" ping 2>/dev/null)" = PONG ]; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# vigild, and one vigil-smtpd per setup, each with the man page's [smtp]
vcfg() {	# FILE LISTEN SERVER ACTION
	cat > "$1" <<EOF
[global]
base_dir = $BASE
syslog_facility = none
log_level = 4
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
listen_port = $2
server_addr = 127.0.0.1
server_port = $3
action_on_infected = $4
tmp_dir = $TMP/spool
[@reject.example]
action_on_infected = reject
EOF
}
vcfg after.cfg "$P2" "$P3" discard
vcfg before.cfg "$P5" "$P6" reject
vigild_start() {
	"$BIN"/vigild -f -c after.cfg 2>> vigild.log &
	VPID=$!
	waitfor 100 ping
}
vigild_start
"$BIN"/vigil-smtpd -f -c after.cfg 2> after.log &
XPID=$!
"$BIN"/vigil-smtpd -f -c before.cfg 2> before.log &
YPID=$!

# pf_main DIR EXTRA...: a private instance's main.cf; u@example.com,
# s@example.com and r@reject.example have a maildir DIR/vmail/LOCALPART/
# pf_main DIR [MAIN.CF LINE...]: an instance of t/integ/postfix.sh
pf_main() {
	local d=$1
	shift
	pf_setup "$d" "example.com, reject.example" \
	    "inline:{u@example.com=u/, s@example.com=s/, r@reject.example=r/}" \
	    "$@"
}

# the after-queue content filter, as in vigil-smtpd.8
PFA=$TMP/pfa
pf_main "$PFA" "content_filter = vigil:[127.0.0.1]:$P2" \
    "receive_override_options = no_address_mappings"
cat >> "$PFA/etc/master.cf" <<EOF
127.0.0.1:$P1 inet n   -       n       -       -       smtpd
vigil     unix  -       -       n       -       10      smtp
    -o smtp_send_xforward_command=yes
    -o disable_mime_output_conversion=yes
    -o smtp_generic_maps=
    -o smtp_data_done_timeout=1200s
127.0.0.1:$P3 inet n  -       n       -       10      smtpd
    -o content_filter=
    -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
    -o smtpd_helo_restrictions=
    -o smtpd_client_restrictions=
    -o smtpd_sender_restrictions=
    -o smtpd_relay_restrictions=
    -o smtpd_recipient_restrictions=permit_mynetworks,reject
    -o mynetworks=127.0.0.0/8
    -o smtpd_authorized_xforward_hosts=127.0.0.0/8
EOF
# the before-queue proxy, as in vigil-smtpd.8
PFB=$TMP/pfb
pf_main "$PFB"
cat >> "$PFB/etc/master.cf" <<EOF
127.0.0.1:$P4 inet  n       -       n       -       20      smtpd
    -o smtpd_proxy_filter=127.0.0.1:$P5
    -o smtpd_client_connection_count_limit=10
127.0.0.1:$P6 inet n  -       n       -       -       smtpd
    -o smtpd_authorized_xforward_hosts=127.0.0.0/8
    -o smtpd_client_restrictions=
    -o smtpd_helo_restrictions=
    -o smtpd_sender_restrictions=
    -o smtpd_relay_restrictions=
    -o smtpd_recipient_restrictions=permit_mynetworks,reject
    -o smtpd_data_restrictions=
    -o mynetworks=127.0.0.0/8
    -o receive_override_options=no_unknown_recipient_checks
EOF
for d in "$PFA" "$PFB"; do
	if ! postfix -c "$d/etc" start > "$d.start" 2>&1; then
		diag "$(cat "$d.start" "$d/maillog" 2>/dev/null)"
		skip_all "postfix did not start"
	fi
done
for p in "$P1" "$P2" "$P3" "$P4" "$P5" "$P6"; do waitfor 100 listening "$p"; done

sw() {	# PORT TO FILE [OPTION...]
	local p=$1 to=$2 f=$3
	shift 3
	swaks --server "127.0.0.1:$p" --helo client.test --from s@example.com \
	    --to "$to" --data @"$f" "$@" 2>&1 | tr '\n' ' '
	echo "exit ${PIPESTATUS[0]}"
}
box() { find "$1/vmail/$2/new" -type f 2>/dev/null | sort; }
nbox() { box "$1" "$2" | wc -l; }
has() { [ "$(nbox "$1" "$2")" -eq "$3" ]; }
log() { cat "$1/maillog" 2>/dev/null; }
queued() { postqueue -c "$1/etc" -p 2>/dev/null | grep -c '^[0-9A-F]'; }

printf 'From: s@example.com\r\nTo: u@example.com\r\nSubject: hello\r\n\r\nJust text.\r\n' > clean.eml
E64=$(printf '%s' "$EICAR" | base64 -w0)
printf 'From: s@example.com\r\nSubject: invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BB"\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--BB\r\nContent-Type: application/octet-stream; name="eicar.com"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--BB--\r\n' "$E64" > eicar.eml

# --- after-queue content filter ----------------------------------------------
out=$(sw "$P1" u@example.com clean.eml)
like "content_filter: clean mail queued by Postfix" "$out" \
    "<-  250 2\.0\.0 Ok: queued as [0-9A-Z]+.*exit 0"
waitfor 200 has "$PFA" u 1
f=$(box "$PFA" u | head -n 1)
is "... delivered once, marked clean" "$(nbox "$PFA" u):$(grep -c '^X-Vigil-Result: clean' "$f")" "1:1"
like "... passed vigil-smtpd and came back through :$P3" \
    "$(log "$PFA" | grep 'status=sent' | grep 'relay=127.0.0.1' | head -n 1)" \
    "relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P2, .*status=sent \(250 2\.0\.0 Ok: queued as [0-9A-Z]+\)"
like "... XFORWARD passed on: :$P3 saw the client's HELO name" \
    "$(grep -m 1 '^Received: from client.test' "$f")" \
    "^Received: from client\.test "

out=$(sw "$P1" u@example.com eicar.eml)
like "content_filter, EICAR: Postfix takes it (after the queue)" "$out" \
    "<-  250 2\.0\.0 Ok: queued as .*exit 0"
waitfor 200 sh -c "grep -q 'discarded by Vigil' $PFA/maillog"
like "... discard (the man page's setting): 250 from vigil-smtpd, status=sent" \
    "$(log "$PFA" | grep 'discarded by Vigil')" \
    "status=sent \(250 2\.0\.0 Ok: discarded by Vigil \(Virus found: Eicar-Test-Signature\)\)"
is "... nothing delivered" "$(nbox "$PFA" u)" 1

out=$(sw "$P1" r@reject.example eicar.eml)
waitfor 200 sh -c "grep -q 'status=bounced' $PFA/maillog"
like "content_filter, EICAR to a reject section: 554 5.7.1, Postfix bounces it" \
    "$(log "$PFA" | grep 'status=bounced')" \
    "to=<r@reject\.example>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P2, .*status=bounced \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 554 5\.7\.1 Virus found: Eicar-Test-Signature \(in reply to end of DATA command\)\)"
waitfor 100 sh -c "grep -q 'sender non-delivery notification' $PFA/maillog"
waitfor 100 has "$PFA" s 1
like "... the sender gets Postfix's non-delivery notification with the 554" \
    "$(nbox "$PFA" s):$(cat $(box "$PFA" s) | tr -d '\r' | tr '\n' ' ')" \
    "^1:.*From: Mail Delivery System <MAILER-DAEMON@mx\.vigil\.invalid> .*<r@reject\.example>: host 127\.0\.0\.1\[127\.0\.0\.1\] said: 554 5\.7\.1 Virus found: +Eicar-Test-Signature"
like "... which carries the message back, EICAR and all: Postfix's own notices skip content_filter" \
    "$(cat $(box "$PFA" s) | tr -d '\r' | tr '\n' ' ')" \
    "Content-Type: message/rfc822 .*$E64"
is "... nothing for the recipient" "$(nbox "$PFA" r)" 0

kill "$VPID"
wait "$VPID" 2>/dev/null
out=$(sw "$P1" u@example.com clean.eml)
waitfor 200 sh -c "grep -q 'status=deferred' $PFA/maillog"
like "content_filter, vigild down: 451 4.7.1, Postfix defers" \
    "$(log "$PFA" | grep 'status=deferred')" \
    "relay=127\.0\.0\.1\[127\.0\.0\.1\]:$P2, .*status=deferred \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 451 4\.7\.1 Temporary failure: the message could not be scanned, try again later \(in reply to end of DATA command\)\)"
is "... the message stays in Postfix's queue, not delivered" \
    "$(queued "$PFA"):$(nbox "$PFA" u)" "1:1"
vigild_start
postqueue -c "$PFA/etc" -f
waitfor 200 has "$PFA" u 2
is "... vigild back, queue flushed: delivered once" "$(nbox "$PFA" u):$(queued "$PFA")" "2:0"

# --- before-queue proxy --------------------------------------------------------
out=$(sw "$P4" u@example.com clean.eml)
like "smtpd_proxy_filter: clean mail queued" "$out" \
    "<-  250 2\.0\.0 Ok: queued as [0-9A-Z]+.*exit 0"
waitfor 200 has "$PFB" u 1
f=$(box "$PFB" u | head -n 1)
is "... delivered, marked clean" "$(nbox "$PFB" u):$(grep -c '^X-Vigil-Result: clean' "$f")" "1:1"
like "... vigil-smtpd logged it with Postfix's queue id" \
    "$(grep 'result=clean' before.log)" \
    'result=clean action=accept reason="Clean" reply="250 2\.0\.0 Ok: queued as [0-9A-Z]+"'
out=$(sw "$P4" u@example.com eicar.eml)
like "smtpd_proxy_filter, EICAR: the client itself gets 554 5.7.1" "$out" \
    "<\*\* 554 5\.7\.1 Virus found: Eicar-Test-Signature.*exit 26"
like "... Postfix logs the proxy's reject" "$(log "$PFB" | grep 'proxy-reject')" \
    "proxy-reject: END-OF-MESSAGE: 554 5\.7\.1 Virus found: Eicar-Test-Signature"
unqueued() { [ "$(queued "$PFB")" -eq 0 ]; }
waitfor 50 unqueued
is "... never queued, never delivered" "$(queued "$PFB"):$(nbox "$PFB" u)" "0:1"

ok "no sanitizer report, no assertion" sh -c \
    "! grep -Eq 'ERROR: AddressSanitizer|runtime error|assertion' after.log before.log vigild.log"
