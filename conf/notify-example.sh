#!/bin/sh
# notify-example.sh - an example exec_script for vigild (see vigil.cfg(5))
#
#	[daemon]
#	exec_script = /etc/vigil/notify-example.sh
#
# vigild runs this once per detection, without a shell and without
# arguments, with stdin on /dev/null and only these variables set:
#	VIGIL_PATH	the input as the client named it (a path, "stream")
#	VIGIL_OBJECT	the infected object (inside archives: "a.zip/x.exe")
#	VIGIL_NAME	the signature names, separated by spaces
#	VIGIL_CLIENT	who asked ("uid 1000 pid 42", or "192.0.2.1:5678")
#	VIGIL_CLIENT_ID	the connection's number in vigild's log
#	VIGIL_SERIAL	the signature generation
#	VIGIL_TIME	seconds since 1970
#	VIGIL_VERSION	vigild's version
#	PATH		a standard one
# The values come from whoever sent the file: they may hold quotes, $(...),
# newlines or leading dashes.  Always quote them ("$VIGIL_PATH"), never
# pass them to eval, sh -c or a command line of a shell, and end options
# with -- before them.  vigild kills the script (and its process group)
# after 30 s, and runs at most 8 at once.
#
# This one logs to syslog (facility mail) and, when NOTIFY is set below and
# sendmail exists, mails a short report.  Copy it, then edit.
set -u

NOTIFY=""			# e.g. postmaster@example.com; empty: no mail

# one line, control characters shown as '?', at most 400 bytes
clean() {
	printf '%s' "$1" | tr -c '[:print:]' '?' | cut -c 1-400
}

path=$(clean "${VIGIL_PATH-}")
object=$(clean "${VIGIL_OBJECT-}")
names=$(clean "${VIGIL_NAME-}")
client=$(clean "${VIGIL_CLIENT-}")

if command -v logger >/dev/null 2>&1; then
	logger -p mail.notice -t vigil-notify -- \
	    "found $names in $object (client $client)"
fi

if [ -n "$NOTIFY" ]; then
	for sm in /usr/sbin/sendmail /usr/lib/sendmail; do
		[ -x "$sm" ] || continue
		{
			printf 'To: %s\n' "$NOTIFY"
			printf 'Subject: [vigil] %s\n' "$names"
			printf 'Auto-Submitted: auto-generated\n\n'
			printf 'Vigil found:   %s\n' "$names"
			printf 'in:            %s\n' "$object"
			printf 'scanned as:    %s\n' "$path"
			printf 'for client:    %s\n' "$client"
			printf 'signatures:    generation %s\n' "${VIGIL_SERIAL-}"
			printf 'time:          %s\n' "$(date -d "@${VIGIL_TIME-0}" 2>/dev/null || echo "${VIGIL_TIME-}")"
		} | "$sm" -oi -t
		break
	done
fi
exit 0
