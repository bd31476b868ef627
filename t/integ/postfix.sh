# postfix.sh - a private Postfix instance for the integration tests (sourced)
#
#	pf_setup DIR DOMAINS MAILBOX_MAPS [MAIN.CF LINE...]
#
# Writes DIR/etc/main.cf and DIR/etc/master.cf of an instance that runs
# under DIR only (queue, data, maillog; "postfix -c DIR/etc start"),
# listens on nothing until the caller appends its smtpd lines to
# master.cf, relays for 127.0.0.0/8 only and delivers the virtual DOMAINS
# into DIR/vmail through MAILBOX_MAPS (as user nobody).  Further main.cf
# lines come as arguments.  Root only: smtpd runs as postfix.
pf_setup() {
	local d=$1 domains=$2 maps=$3
	shift 3
	mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/vmail"
	chown postfix "$d/data"
	chown nobody "$d/vmail"
	cat > "$d/etc/main.cf" <<PFEOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.vigil.invalid
mydomain = vigil.invalid
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = $domains
virtual_mailbox_base = $d/vmail
virtual_mailbox_maps = $maps
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
maillog_file = $d/maillog
maillog_file_prefixes = $d
biff = no
PFEOF
	[ $# -gt 0 ] && printf '%s\n' "$@" >> "$d/etc/main.cf"
	cat > "$d/etc/master.cf" <<PFEOF
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
showq     unix  n       -       n       -       -       showq
postlog   unix-dgram n  -       n       -       1       postlogd
PFEOF
}
