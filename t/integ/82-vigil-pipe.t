#!/usr/bin/env bash
# vigil-pipe under qmail-qfilter, from real SMTP: swaks -> tcpserver ->
# mailfront -> qmail-qfilter (t/integ/qmail emulator) -> vigil-pipe ->
# fake qmail-queue; a vigild of the test's own
. "$(dirname "$0")/tap.sh"
. "$VIGIL_TOP/t/integ/qmail/harness.sh"
qmail_require
plan 29

PY=/usr/bin/python3
cd "$TMP" || exit 1
SOCK=$TMP/vigild.sock
mkdir -p base q
$BIN/vigil-compile -q --install base "$VIGIL_TOP"/signatures/default || exit 1
cat > vigil.cfg <<CFG
[global]
base_dir = $TMP/base
log_level = 5
log_file = $TMP/vigil.log
syslog_facility = none
[daemon]
socket = $SOCK
num_workers = 2
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
[pipe]
daemon_addr = $SOCK
daemon_timeout = 20s
quarantine_dir = $TMP/q
[@discard.example]
action_on_infected = discard
[@defer.example]
action_on_infected = defer
[@clean.example]
action_on_infected = clean
[@quar.example]
action_on_infected = quarantine
[@small.example]
max_message_size = 100
action_on_notscanned = reject
[@nohdr.example]
write_to_header = no
CFG

# the messages: LF line ends, as qmail keeps them
cat > clean.eml <<'MSG'
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: lunch
Date: Mon, 7 Dec 2026 03:00:00 +0000
Message-ID: <1@example.org>

Shall we?
.a line that starts with a dot
MSG
{
	printf 'From: alice@example.org\nTo: bob@example.net\nSubject: invoice\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain\n\nsee attachment\n'
	printf -- '--b1\nContent-Type: application/octet-stream; name="eicar.com"\n'
	printf 'Content-Disposition: attachment; filename="eicar.com"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf '%s' "$EICAR" | base64
	printf -- '--b1--\n'
} > eicar.eml

$BIN/vigild -f -c vigil.cfg 2> vigild.err &
VPID=$!
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	$BIN/vigilctl -s "$SOCK" ping >/dev/null 2>&1 && break
	sleep 0.1
done
qmail_start "$BIN/vigil-pipe" -c "$TMP/vigil.cfg" || exit 1

# --- clean: queued with the mark, every other byte as sent ---------------------
is "clean: 250" "$(qmail_send alice@example.org bob@example.net clean.eml | cut -c1-3)" 250
is "clean: one message queued" "$(qmail_count)" 1
is "clean: the mark is the first field" "$(sed -n 1p "$QM_SPOOL/1.msg")" \
    "X-Vigil-Result: clean"
like "clean: the scanner and its database serial" "$(sed -n 2p "$QM_SPOOL/1.msg")" \
    "^X-Virus-Scanner: Vigil [0-9.]+ \([0-9]+\)$"
ok "clean: the rest is byte-identical" cmp <(tail -n +3 "$QM_SPOOL/1.msg") clean.eml
is "clean: the envelope is untouched" "$(tr '\0' '|' < "$QM_SPOOL/1.env")" \
    "Falice@example.org|Tbob@example.net||"

# --- write_to_header = no: nothing written, the original goes on -----------------
qmail_clear
qmail_send alice@example.org bob@nohdr.example clean.eml > /dev/null
ok "no marks: queued byte-identical (empty output)" cmp "$QM_SPOOL/1.msg" clean.eml

# --- infected: the policy of the first recipient --------------------------------
qmail_clear
is "infected: rejected, permanently" \
    "$(qmail_send alice@example.org bob@example.net eicar.eml)" \
    "554 5.3.0 Message refused."
is "infected: nothing queued" "$(qmail_count)" 0
like "infected: logged with the name" "$(cat vigil.log)" \
    "vigil-pipe.*rcpt=<bob@example.net>.*result=deleted action=reject: Virus found: Eicar-Test-Signature"
is "discard: the sender sees success" \
    "$(qmail_send alice@example.org bob@discard.example eicar.eml | cut -c1-3)" 250
is "discard: nothing queued" "$(qmail_count)" 0
is "the first recipient decides" \
    "$(qmail_send alice@example.org bob@discard.example,carol@example.net eicar.eml | cut -c1-3)" 250
is "defer: a temporary refusal" \
    "$(qmail_send alice@example.org bob@defer.example eicar.eml)" \
    "451 4.3.0 Message refused by mail server."
is "quarantine: success for the sender" \
    "$(qmail_send alice@example.org bob@quar.example eicar.eml | cut -c1-3)" 250
is "quarantine: nothing queued" "$(qmail_count)" 0
is "quarantine: the original kept, mode 0600" \
    "$(stat -c %a q/*.eml 2>/dev/null)" 600
ok "quarantine: byte for byte" cmp q/*.eml eicar.eml

# --- clean: the infected part replaced ------------------------------------------
qmail_send alice@example.org bob@clean.example eicar.eml > /dev/null
is "clean action: queued" "$(qmail_count)" 1
got=$(cat "$QM_SPOOL/1.msg")
like "clean action: marked cleaned" "$got" "X-Vigil-Result: cleaned"
ok "clean action: no EICAR left" test -z "$(grep -F "$(printf '%s' "$EICAR" | base64 | head -1)" "$QM_SPOOL/1.msg")"
like "clean action: the text part is still there" "$got" "see attachment"

# --- run by hand: no descriptor 3 (the variables), a pipe on stdin ---------------
QMAILUSER=alice QMAILHOST=example.org QMAILRCPTS="bob@discard.example
" $BIN/vigil-pipe -c vigil.cfg < eicar.eml > out.eml 3<&-
is "without descriptor 3: QMAILRCPTS chooses the section (discard: 99)" "$?" 99
cat clean.eml | $BIN/vigil-pipe -c vigil.cfg > out.eml 3< /dev/null
is "a message on a pipe is streamed: 0" "$?" 0
ok "and written out with its mark" cmp <(tail -n +3 out.eml) clean.eml

# --- limits and failures ----------------------------------------------------------
qmail_clear
is "over max_message_size: action_on_notscanned (reject here)" \
    "$(qmail_send alice@example.org bob@small.example clean.eml)" \
    "554 5.3.0 Message refused."
$BIN/vigilctl -s "$SOCK" shutdown > /dev/null
wait $VPID
is "vigild down: a temporary refusal" \
    "$(qmail_send alice@example.org bob@example.net clean.eml)" \
    "451 4.3.0 Message refused by mail server."
is "vigild down: nothing queued" "$(qmail_count)" 0
printf '[pipe]\nbogus = 1\n' > bad.cfg
qmail_filters "$BIN/vigil-pipe" -c "$TMP/bad.cfg"
is "a broken configuration: a temporary refusal" \
    "$(qmail_send alice@example.org bob@example.net clean.eml)" \
    "451 4.3.0 Message refused by mail server."
