#!/usr/bin/env bash
# vigild against a real clamd 1.4.6: the same bytes to both daemons, the
# replies compared byte for byte (daemon/PROTOCOL-clamd.md lists what may
# differ: VERSION, the numbers of STATS, .UNOFFICIAL, fd numbers)
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
CLAMD=/usr/sbin/clamd
[ -x $CLAMD ] || skip_all "clamd is not installed (clamav-daemon)"
[ -x $PY ] || skip_all "python3 is not installed"
plan 51

cd "$TMP" || exit 1
mkdir -p db files clean/sub empty
printf '%s' "$EICAR" > files/eicar.com
printf 'just text\n' > files/clean.txt
printf 'a\n' > clean/a
printf 'b\n' > clean/sub/b
# the same signature for both: an MD5 of EICAR, so nothing else differs
printf '%s' "$EICAR" | md5sum | sed 's/ .*/:68:Eicar-Test-Signature/' \
    > db/test.hdb
$BIN/vigil-compile -q --install base db/test.hdb || exit 1
cat > clamd.conf <<CONF
LocalSocket $TMP/clamd.sock
Foreground yes
DatabaseDirectory $TMP/db
LogFile $TMP/clamd.log
StreamMaxLength 1M
CONF
cat > vigil.cfg <<CONF
[global]
base_dir = $TMP/base
[daemon]
socket = $TMP/vigild.sock
num_workers = 2
max_stream_size = 1M
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
CONF
cp "$VIGIL_TOP/t/integ/rawclient.py" raw.py
$CLAMD -c clamd.conf > clamd.out 2>&1 &
CPID=$!
$BIN/vigild -f -c vigil.cfg 2> vigild.err &
VPID=$!
trap 'kill $CPID $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	[ "$(printf 'zPING\0' | $PY raw.py clamd.sock 2>/dev/null)" = "PONG|" ] &&
	    [ "$(printf 'zPING\0' | $PY raw.py vigild.sock 2>/dev/null)" = "PONG|" ] &&
	    break
	sleep 0.1
done

# norm: what the two may differ in, made equal
norm() {
	sed -E -e 's/\.UNOFFICIAL//g' -e 's/fd\[[0-9]+\]/fd[N]/g' \
	    -e 's/ClamAV 1\.4\.6[^|]*/ClamAV 1.4.6/g' \
	    -e 's/live [0-9]+  idle [0-9]+ max [0-9]+ idle-timeout [0-9]+/live N  idle N max N idle-timeout N/' \
	    -e 's/pools_used [0-9.]+M pools_total [0-9.]+M/pools_used NM pools_total NM/' \
	    -e 's/^(	[A-Z]+) [0-9.]+ /\1 S /' -e '/^	IDLE S $/d'
}
# same DESC BYTES [FILE]: the replies of both, normalized, are equal
same() {
	local desc=$1 v c
	shift
	v=$(printf "$1" | $PY raw.py vigild.sock "${@:2}" 2>&1 | norm)
	c=$(printf "$1" | $PY raw.py clamd.sock "${@:2}" 2>&1 | norm)
	if [ -z "$c" ]; then
		_result 1 "$desc"
		diag "clamd gave no reply"
		return
	fi
	is "$desc" "$v" "$c"
}
# same_ids DESC BYTES: as same, for a session whose replies may come in
# any order (both daemons answer as jobs finish): compared by their ids
same_ids() {
	local v c
	v=$(printf "$2" | $PY raw.py vigild.sock 2>&1 | norm | tr '|' '\n' | sort)
	c=$(printf "$2" | $PY raw.py clamd.sock 2>&1 | norm | tr '|' '\n' | sort)
	is "$1" "$v" "$c"
}
long() { head -c "$1" /dev/zero | tr '\0' a; }
# EICAR inside a printf format
E=${EICAR//%/%%}
E1=${EICAR:0:32}
E1=${E1//%/%%}
E2=${EICAR:32}
E2=${E2//%/%%}

same "zPING" 'zPING\0'
same "nPING" 'nPING\n'
same "old-style PING" 'PING'
same "old-style PING with a newline" 'PING\n'
same "unknown command" 'zPINGX\0'
same "lower case" 'zping\0'
same "empty z command" 'z\0'
same "empty n command" 'n\n'
same "SCAN without a path" 'zSCAN\0'
same "SCAN with an empty path" 'zSCAN \0'
same "VERSION" 'zVERSION\0'
same "VERSIONCOMMANDS" 'zVERSIONCOMMANDS\0'
same "SCAN EICAR" "zSCAN $TMP/files/eicar.com\0"
same "nSCAN EICAR" "nSCAN $TMP/files/eicar.com\n"
same "Exim: SCAN path newline" "SCAN $TMP/files/eicar.com\n"
same "SCAN a clean file" "zSCAN $TMP/files/clean.txt\0"
same "SCAN a missing file" "zSCAN $TMP/nothing\0"
same "SCAN a directory" "zSCAN $TMP/files\0"
same "SCAN a directory with a slash" "zSCAN $TMP/files/\0"
same "SCAN a clean tree" "zSCAN $TMP/clean\0"
same "SCAN an empty directory" "zSCAN $TMP/empty\0"
same "CONTSCAN a directory" "zCONTSCAN $TMP/files\0"
same "CONTSCAN a clean tree" "zCONTSCAN $TMP/clean\0"
same "amavisd-new: old-style CONTSCAN" "CONTSCAN $TMP/files\n"
same "MULTISCAN a directory" "zMULTISCAN $TMP/files\0"
same "MULTISCAN a clean tree" "zMULTISCAN $TMP/clean\0"
same "ALLMATCHSCAN a directory" "zALLMATCHSCAN $TMP/files\0"
same "ALLMATCHSCAN a clean tree" "zALLMATCHSCAN $TMP/clean\0"
same "ALLMATCHSCAN a clean file" "zALLMATCHSCAN $TMP/files/clean.txt\0"
same "INSTREAM EICAR" "zINSTREAM\0\0\0\0\104$E\0\0\0\0"
same "INSTREAM empty" 'zINSTREAM\0\0\0\0\0'
same "INSTREAM over StreamMaxLength" 'zINSTREAM\0\0\x30\0\0xxxx'
same "nINSTREAM in two chunks" \
    "nINSTREAM\n\0\0\0\040$E1\0\0\0\044$E2\0\0\0\0"
same "FILDES EICAR" 'zFILDES\0' files/eicar.com
same "FILDES clean" 'zFILDES\0' files/clean.txt
same_ids "IDSESSION" \
    "zIDSESSION\0zPING\0zVERSION\0zSCAN $TMP/files/eicar.com\0zINSTREAM\0\0\0\0\104$E\0\0\0\0zEND\0"
same "IDSESSION: an unknown command" 'zIDSESSION\0zPING\0zFOO\0'
same "IDSESSION: CONTSCAN" "zIDSESSION\0zCONTSCAN $TMP/files\0"
same "IDSESSION: nested" 'zIDSESSION\0zIDSESSION\0'
same "IDSESSION: SHUTDOWN" 'zIDSESSION\0zSHUTDOWN\0'
same "END outside a session" 'zEND\0'
# the command line limit: 4104 bytes with the prefix and terminator
same "a command of 4104 bytes" "zSCAN /$(long 4096)\0"
same "an n command of 4104 bytes" "nSCAN /$(long 4096)\n"
same "STATS" 'zSTATS\0'
same "nSTATS" 'nSTATS\n'
same "clamdtop: STATS in a session" 'nIDSESSION\nnVERSION\nnSTATS\nnEND\n'
# a command over the limit: clamd closes, vigild explains, then closes
is "over 4104 bytes: clamd closes without a reply" \
    "$(printf "zSCAN /$(long 4097)\0" | $PY raw.py clamd.sock 2>/dev/null)" ""
is "over 4104 bytes: vigild says why (deviation 1)" \
    "$(printf "zSCAN /$(long 4097)\0" | $PY raw.py vigild.sock 2>/dev/null)" \
    "Command too long. ERROR|"
is "a relative path is not resolved by vigild (deviation 9)" \
    "$(printf 'zSCAN files/eicar.com\0' | $PY raw.py vigild.sock)" \
    "files/eicar.com: File path check failure: No such file or directory. ERROR|"
is "STATS: an IDLE line per idle worker" \
    "$(printf 'zSTATS\0' | $PY raw.py vigild.sock | grep -c '^	IDLE [0-9]*\.[0-9]* $')" 2
ok "both daemons still answer" test \
    "$(printf 'zPING\0' | $PY raw.py clamd.sock)$(printf 'zPING\0' | $PY raw.py vigild.sock)" = "PONG|PONG|"
