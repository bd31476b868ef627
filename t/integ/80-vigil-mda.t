#!/usr/bin/env bash
# 80-vigil-mda.t - vigil-mda in front of the real procmail and maildrop,
# with its own vigild: clean mail delivered byte for byte plus the marks,
# EICAR rejected with the configured codes (sendmail/postfix and qmail)
# and nothing delivered, the clean action delivering the cleaned message
# with the original in quarantine, quarantine and discard, recipient
# sections, a symlink under the MDA's name, vigild stopped (75/111 and
# nothing delivered), the MDA's own exit code passed back.
. "$(dirname "$0")/tap.sh"
command -v procmail >/dev/null || skip_all "procmail is not installed"
command -v maildrop >/dev/null || skip_all "maildrop is not installed"
[ -x "$BIN/vigil-mda" ] || skip_all "vigil-mda is not built"
plan 49

cd "$TMP"
chmod 755 "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
MDA=$BIN/vigil-mda
mkdir -p "$BASE" q mail
"$BIN"/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
syslog_facility = none
log_file = $TMP/vigil.log
log_level = 4
daemon_addr = $TMP/nothing.sock, $SOCK
daemon_timeout = 20s
quarantine_dir = $TMP/q
[daemon]
socket = $SOCK
num_workers = 1
pid_file = $TMP/vigild.pid
user = nobody
reload_check_interval = 0
[mda]
mda_path = /usr/bin/procmail
[clean@example.com]
action_on_infected = clean
[q@example.com]
action_on_infected = quarantine
[d@example.com]
action_on_infected = discard
[r69@example.com]
infected_return_code = 69
[big@example.com]
max_message_size = 100
action_on_notscanned = accept
EOF
cat > procmailrc <<EOF
MAILDIR=$TMP/mail
LOGFILE=$TMP/procmail.log
:0
$TMP/mail/Maildir/
EOF
printf 'to "%s/mail/Maildir/"\n' "$TMP" > mailfilter
cat > procmailrc-mbox <<EOF
MAILDIR=$TMP/mail
LOGFILE=$TMP/procmail.log
:0
$TMP/mail/mbox
EOF
chmod 600 procmailrc procmailrc-mbox mailfilter

# messages: clean LF, clean CRLF, EICAR as a base64 attachment
printf 'From: a@example.org\nTo: u@example.com\nSubject: hello\n\nJust text.\n' \
    > clean.eml
printf 'From: a@example.org\r\nSubject: crlf\r\n\r\nline one\r\nline two\r\n' \
    > crlf.eml
E64=$(printf '%s' "$EICAR" | base64 -w0)
cat > eicar.eml <<EOF
From: a@example.org
To: u@example.com
Subject: invoice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BB"

--BB
Content-Type: text/plain

Please see the attachment.
--BB
Content-Type: application/octet-stream; name="eicar.com"
Content-Transfer-Encoding: base64

$E64
--BB--
EOF

newmail() { rm -rf mail/Maildir mail/mbox; mkdir -p mail/Maildir/new \
    mail/Maildir/cur mail/Maildir/tmp; }
delivered() { ls mail/Maildir/new | wc -l; }
onemail() { cat mail/Maildir/new/*; }
serial() { readlink "$BASE/current" | sed 's/^gen-//'; }
marks() { printf 'X-Vigil-Result: %s\nX-Virus-Scanner: Vigil %s (%s)\n' \
    "$1" "$(cat "$VIGIL_TOP/VERSION")" "$(serial)"; }

"$BIN"/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
for i in $(seq 100); do
	pgrep -f "vigild -c $TMP/vigil.cfg -x worker" >/dev/null && break
	sleep 0.1
done

# --- clean mail through procmail into a Maildir ------------------------------
newmail
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < clean.eml)
is "clean: procmail exits 0" "$?:$out" "0:"
is "clean: one message delivered" "$(delivered)" 1
is "clean: the marks, then the message byte for byte" \
    "$(onemail | od -c)" "$({ marks clean; cat clean.eml; } | od -c)"

newmail
"$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < crlf.eml
is "CRLF: delivered" "$?:$(delivered)" "0:1"
is "CRLF: the marks in CRLF, the rest byte for byte" "$(onemail | od -c)" \
    "$({ marks clean | sed 's/$/\r/'; cat crlf.eml; } | od -c)"

# Postfix's mailbox_command input: From_ line, X-Original-To, Return-Path
newmail
{ printf 'From a@example.org  Mon Jan  1 00:00:00 2024\n'
  printf 'X-Original-To: u@example.com\nReturn-Path: <a@example.org>\n'
  cat clean.eml; } > postfix.eml
RECIPIENT=u@example.com SENDER=a@example.org \
    "$MDA" "$TMP/procmailrc-mbox" -- -c vigil.cfg < postfix.eml
is "procmail into an mbox: exit 0" "$?" 0
is "mbox: From_ kept, the marks after X-Original-To and Return-Path" \
    "$(sed -n '1,5p' mail/mbox)" "From a@example.org  Mon Jan  1 00:00:00 2024
X-Original-To: u@example.com
Return-Path: <a@example.org>
$(marks clean)"
is "mbox: the rest as it was" "$(sed -n '6,$p' mail/mbox | head -n 5)" \
    "$(cat clean.eml)"

# --- EICAR rejected ------------------------------------------------------------
newmail
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < eicar.eml)
is "EICAR: infected_return_code 77 and a 5.7.1 line" "$?:$out" \
    "77:5.7.1 Virus found: Eicar-Test-Signature"
is "EICAR: nothing delivered" "$(delivered)" 0
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r r69@example.com < eicar.eml)
is "EICAR: the recipient's infected_return_code" "$?" 69
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com -q \
    < eicar.eml)
is "EICAR under qmail (-q): 100" "$?" 100
out=$(DTLINE='Delivered-To: u@example.com' RECIPIENT=u@example.com \
    "$MDA" "$TMP/procmailrc" -- -c vigil.cfg < eicar.eml)
is "EICAR under qmail-local (DTLINE): 100" "$?" 100
is "EICAR: still nothing delivered" "$(delivered)" 0
like "the log names the recipient and the verdict" "$(cat vigil.log)" \
    "vigil-mda\[[0-9]+\]: rcpt=<u@example.com> from=<> size=[0-9]+ result=deleted action=reject: Virus found: Eicar-Test-Signature"

# --- clean action: the cleaned message, the original kept ------------------
newmail
"$MDA" "$TMP/mailfilter" -- -c vigil.cfg -r clean@example.com \
    -m /usr/bin/maildrop < eicar.eml
is "clean: maildrop exits 0" "$?" 0
is "clean: one message delivered" "$(delivered)" 1
got=$(onemail)
like "clean: X-Vigil-Result: cleaned" "$got" "^X-Vigil-Result: cleaned"
ok "clean: EICAR is gone" test -z "$(onemail | grep -F "$E64")"
is "clean: the notice in its place, the rest byte for byte" \
    "$(onemail | sed -n '3,$p')" \
    "$(sed -n '1,11p' eicar.eml)
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline
Content-Transfer-Encoding: 7bit

Vigil removed this part of the message: it was infected.
File: eicar.com
Type: application/octet-stream
Found: Eicar-Test-Signature
--BB--"
kept=$(ls q/*.eml 2>/dev/null)
is "clean: the original is in quarantine" "$(echo "$kept" | wc -w)" 1
ok "clean: ... byte for byte" cmp "$kept" eicar.eml
is "clean: ... mode 0600" "$(stat -c %a "$kept")" 600
is "clean: its metadata names the recipient" \
    "$(grep '^Recipient:' "${kept%.eml}.meta")" "Recipient: clean@example.com"
rm -f q/*

# Postfix-style input with a From_ line: the part is still found
newmail
{ printf 'From a@example.org  Mon Jan  1 00:00:00 2024\n'
  printf 'Return-Path: <a@example.org>\n'; cat eicar.eml; } > pf-eicar.eml
"$MDA" "$TMP/procmailrc-mbox" -- -c vigil.cfg -r clean@example.com \
    < pf-eicar.eml
is "clean with a From_ line: delivered" "$?" 0
is "clean with a From_ line: marks after Return-Path, notice in place" \
    "$(sed -n '2,4p;23,24p' mail/mbox)" "Return-Path: <a@example.org>
$(marks cleaned)
Found: Eicar-Test-Signature
--BB--"
rm -f q/*

# --- quarantine and discard -----------------------------------------------------
newmail
"$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r q@example.com < eicar.eml
is "quarantine: exit 0" "$?" 0
is "quarantine: nothing delivered" "$(delivered)" 0
kept=$(ls q/*.eml 2>/dev/null)
ok "quarantine: the message is kept" cmp "$kept" eicar.eml
like "quarantine: metadata" "$(tr '\n' ' ' < "${kept%.eml}.meta")" \
    "Result: infected.*Action: quarantine"
rm -f q/*
RECIPIENT=d@example.com "$MDA" "$TMP/procmailrc" -- -c vigil.cfg < eicar.eml
is "discard (recipient from RECIPIENT): exit 0" "$?" 0
is "discard: nothing delivered" "$(delivered)" 0
is "discard: nothing kept" "$(ls q | wc -l)" 0

# --- not scanned: too large, accepted ---------------------------------------------
newmail
"$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r big@example.com < eicar.eml
is "too large, action_on_notscanned accept: delivered" "$?:$(delivered)" "0:1"
like "too large: X-Vigil-Result: not scanned" "$(onemail | head -n 1)" \
    "^X-Vigil-Result: not scanned$"

# --- under the MDA's name ------------------------------------------------------------
newmail
ln -s "$MDA" procmail
./procmail "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < clean.eml
is "as a symlink named procmail: delivered" "$?:$(delivered)" "0:1"
out=$(./procmail "$TMP/procmailrc" -- -c vigil.cfg -m "$TMP/procmail" \
    < clean.eml)
is "mda_path pointing at vigil-mda itself: 75" "$?" 75
like "... and says why" "$out" "^4\.3\.0 Temporary failure: mda_path .* is vigil-mda itself$"

# --- the MDA's own exit code -------------------------------------------------------
out=$("$MDA" -c 'cat > /dev/null; echo mda-said-no; exit 42' -- -c vigil.cfg \
    -r u@example.com -m /bin/sh < clean.eml)
is "the MDA's exit code and output come back" "$?:$out" "42:mda-said-no"
out=$("$MDA" -c 'cat' -- -c vigil.cfg -r u@example.com -m /bin/sh \
    < /dev/null)
is "an empty message is scanned and passed on" "$?:$out" \
    "0:$(marks clean)"
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -m /nonexistent/mda \
    < clean.eml)
is "an MDA that cannot be exec'd: 75" "$?" 75

# --- configuration and usage errors: temporary ----------------------------------
"$MDA" -- -c "$TMP/none.cfg" < clean.eml > /dev/null 2>&1
is "a missing configuration: 75" "$?" 75
"$MDA" -- -c vigil.cfg --bogus < clean.eml > /dev/null 2>&1
is "an unknown option: 75" "$?" 75

# --- vigild stopped --------------------------------------------------------------
kill $VPID
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
wait $VPID 2>/dev/null
newmail
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < clean.eml)
is "vigild stopped: 75" "$?" 75
like "... with a 4.x.x line" "$out" "^4\.3\.0 Temporary failure: vigild: .*/vigild\.sock: (No such file or directory|Connection refused)$"
is "vigild stopped: nothing delivered" "$(delivered)" 0
"$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com -q < clean.eml \
    > /dev/null
is "vigild stopped, qmail: 111" "$?" 111
"$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r u@example.com < eicar.eml \
    > /dev/null
is "vigild stopped, EICAR: 75, not delivered" "$?:$(delivered)" "75:0"
out=$("$MDA" "$TMP/procmailrc" -- -c vigil.cfg -r big@example.com \
    < eicar.eml)
is "vigild stopped, too large to scan anyway: delivered" "$?:$(delivered)" \
    "0:1"
exit $((_failed > 0))
