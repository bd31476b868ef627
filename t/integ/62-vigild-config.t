#!/usr/bin/env bash
# vigild's log and configuration: log_file and its detection lines,
# log_level 0, exec_script with a hostile path, SIGHUP (a new log_level, a
# restart-only key, a broken file, logrotate), workers that never read the
# file
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x $PY ] || skip_all "python3 is not installed"
plan 40

C=$BIN/vigil-compile
cd "$TMP" || exit 1
SOCK=$TMP/vigild.sock
BASE=$TMP/base
LOG=$TMP/vigild.log
mkdir -p "$BASE" files
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
SERIAL=$(readlink "$BASE/current" | sed 's/^gen-//')
printf '%s' "$EICAR" > files/eicar.com
printf 'just text\n' > files/clean.txt
# a name a shell would act on: quotes, $(), backquotes
HOSTILE="q'uo\"te \$(touch pwned1) \`touch pwned2\`;touch pwned3.com"
printf '%s' "$EICAR" > "files/$HOSTILE"

# config LEVEL NUM_WORKERS [EXTRA]: the daemon's configuration file
config() {
	cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
log_level = $1
log_file = $LOG
syslog_facility = none
[daemon]
socket = $SOCK
num_workers = $2
scan_timeout = 5s
max_jobs_per_worker = 3
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
exec_script = $TMP/hook.sh
${3:-}
EOF
}
# the hook records its environment and its stdin, then renames (atomic)
cat > hook.sh <<EOF
#!/bin/sh
n=\$(ls $TMP | grep -c '^env\.')
env > $TMP/tmp.\$\$
readlink /proc/\$\$/fd/0 > $TMP/stdin.out
mv $TMP/tmp.\$\$ $TMP/env.\$n
EOF
chmod 755 hook.sh

cp "$VIGIL_TOP/t/integ/rawclient.py" raw.py
raw() { printf '%s\0' "$1" | $PY raw.py "$SOCK"; }
# waitfor FILE REGEX: up to 5 s for a line of FILE to match
waitfor() {
	local _

	for _ in $(seq 50); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
start() {
	"$BIN"/vigild -f -c vigil.cfg 2> "$1" &
	VPID=$!
	for _ in $(seq 100); do
		[ "$(raw zPING 2>/dev/null)" = "PONG|" ] && break
		sleep 0.1
	done
}
stop() {
	raw zSHUTDOWN > /dev/null
	for _ in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
	wait $VPID 2>/dev/null
}

# --- log_level 0: nothing at all ----------------------------------------------
config 0 1
start quiet.err
is "level 0: the daemon scans" "$(raw "zSCAN $TMP/files/eicar.com")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
waitfor env.0 '^VIGIL_PATH='
stop
ok "level 0: the log file exists and is empty" test -f "$LOG" -a ! -s "$LOG"
ok "level 0: nothing on stderr with -f" test ! -s quiet.err
rm -f "$LOG" env.* stdin.out

# --- log_file, stderr, exec_script ----------------------------------------------
config 3 1
start vigild.err
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
is "SCAN of EICAR" "$(raw "zSCAN $TMP/files/eicar.com")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
DET="client [0-9]+ \(uid $(id -u) pid [0-9]+\): $TMP/files/eicar\.com: Eicar-Test-Signature FOUND"
waitfor "$LOG" "$DET"
ok "log_file: the detection with client, path and name" test $? -eq 0
like "log_file: a timestamp and vigild[pid]" "$(grep FOUND "$LOG")" \
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4} vigild\[$VPID\]: "
ok "-f: the detection on stderr as well" grep -Eq "^vigild: $DET" vigild.err
ok "level 3: no debug lines" test -z "$(grep -E ' job [0-9]+ ' "$LOG")"

waitfor env.0 '^VIGIL_PATH='
env0=$(cat env.0 2>/dev/null)
like "exec_script: VIGIL_PATH" "$env0" "^VIGIL_PATH=$TMP/files/eicar\.com$"
like "exec_script: VIGIL_NAME" "$env0" "^VIGIL_NAME=Eicar-Test-Signature$"
like "exec_script: VIGIL_CLIENT" "$env0" "^VIGIL_CLIENT=uid $(id -u) pid [0-9]+$"
like "exec_script: VIGIL_SERIAL, VIGIL_TIME" \
    "$(grep -E '^VIGIL_(SERIAL|TIME)=' env.0 | sort | tr '\n' ' ')" \
    "^VIGIL_SERIAL=$SERIAL VIGIL_TIME=[0-9]{10,} $"
# dash exports PWD itself
is "exec_script: a clean environment" \
    "$(grep -v '^PWD=' env.0 | cut -d= -f1 | LC_ALL=C sort | tr '\n' ' ')" \
    "PATH VIGIL_CLIENT VIGIL_CLIENT_ID VIGIL_NAME VIGIL_OBJECT VIGIL_PATH VIGIL_SERIAL VIGIL_TIME VIGIL_VERSION "
is "exec_script: stdin is /dev/null" "$(cat stdin.out)" /dev/null

is "SCAN of a hostile name" "$(raw "zSCAN $TMP/files/$HOSTILE")" \
    "$TMP/files/$HOSTILE: Eicar-Test-Signature FOUND|"
waitfor env.1 '^VIGIL_PATH='
ok "exec_script: the hostile path arrives literally" \
    grep -Fxq "VIGIL_PATH=$TMP/files/$HOSTILE" env.1
sleep 0.2
ok "exec_script: nothing in it was executed" \
    test ! -e pwned1 -a ! -e pwned2 -a ! -e pwned3.com -a ! -e "$TMP/files/pwned1"

# --- SIGHUP: a new log_level, a restart-only key --------------------------------
config 5 2
kill -HUP $VPID
waitfor "$LOG" 'reconfigure: .*vigil\.cfg loaded'
ok "SIGHUP: the new file is loaded" test $? -eq 0
ok "SIGHUP: the change of log_level is logged" \
    grep -q 'reconfigure: log_level: "3" -> "5"' "$LOG"
ok "SIGHUP: num_workers needs a restart" \
    grep -q 'reconfigure: num_workers changed: needs a restart, still "1"' "$LOG"
raw "zSCAN $TMP/files/clean.txt" > /dev/null
ok "SIGHUP: log_level 5 takes effect (debug lines)" \
    waitfor "$LOG" " job [0-9]+ $TMP/files/clean\.txt: worker "

# --- SIGHUP with a broken file: logged with file:line, nothing changes -------------
config 3 2 "bogus_key = 1"
mv "$LOG" "$LOG.1"		# logrotate, too
kill -HUP $VPID
waitfor "$LOG" 'keeping the running configuration'
ok "broken file: the log file is opened again after logrotate" test $? -eq 0
like "broken file: the error names file and line" "$(cat "$LOG")" \
    "vigil\.cfg:15: .*bogus_key"
is "broken file: the daemon keeps serving" "$(raw zPING)" "PONG|"
# three jobs a worker (max_jobs_per_worker): these recycle it twice, and its
# successors never read the broken file
out=""
for _ in 1 2 3 4 5 6 7; do
	out="$out$(raw "zSCAN $TMP/files/eicar.com")"
done
is "broken file: recycled workers keep scanning" "$out" \
    "$(printf "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|%.0s" 1 2 3 4 5 6 7)"
ok "broken file: the old log_level 5 stays (debug lines)" \
    waitfor "$LOG" " job [0-9]+ $TMP/files/eicar\.com: worker "

# MSG_LOG: the workers send none today; sv_log_worker() is unit-tested
skip 1 "workers send no MSG_LOG yet (t/unit/test_sv_log.c covers it)"

stop
is "SHUTDOWN: exit 0" "$?" 0
ok "the stop is logged in the new file" grep -q 'vigild stopped' "$LOG"

# --- reload_check_interval: current is watched -----------------------------------
config 3 1
sed -i 's/^reload_check_interval = 0$/reload_check_interval = 300ms/' vigil.cfg
: > "$LOG"
start vigild.err
is "watch: clean.txt is clean" "$(raw "zSCAN $TMP/files/clean.txt")" \
    "$TMP/files/clean.txt: OK|"
md5sum files/clean.txt | sed 's/ .*/:10:Watch.Clean/' > watch.hdb
$C -q --install "$BASE" --update --name watch watch.hdb
NEW=$(readlink "$BASE/current" | sed 's/^gen-//')
waitfor "$LOG" "reload: generation $SERIAL -> $NEW"
ok "watch: a new current is seen and loaded" test $? -eq 0
for _ in $(seq 50); do
	r=$(raw "zSCAN $TMP/files/clean.txt")
	[ "$r" = "$TMP/files/clean.txt: Watch.Clean FOUND|" ] && break
	sleep 0.1
done
is "watch: its signatures are used" "$r" "$TMP/files/clean.txt: Watch.Clean FOUND|"
# a broken generation: a module cut short; current flipped by hand
mkdir "$BASE/gen-99999999999"
head -c 1000 "$BASE/gen-$NEW/watch.vmod" > "$BASE/gen-99999999999/watch.vmod"
ln -s gen-99999999999 "$BASE/cur.tmp" && mv -T "$BASE/cur.tmp" "$BASE/current"
waitfor "$LOG" "reload: .*watch\.vmod.*; keeping generation $NEW"
ok "watch: a broken generation is refused, the old one kept" test $? -eq 0
is "watch: and the daemon scans with it" "$(raw "zSCAN $TMP/files/clean.txt")" \
    "$TMP/files/clean.txt: Watch.Clean FOUND|"

# --- exec_script children at shutdown: waited for, not left behind ----------------
printf '#!/bin/sh\nsleep 1\necho done > %s/hook.done\n' "$TMP" > hook.sh
raw "zSCAN $TMP/files/eicar.com" > /dev/null
raw zSHUTDOWN > /dev/null
wait $VPID
is "shutdown: exit 0 after the script" "$?" 0
is "shutdown: the script running at SHUTDOWN finished" \
    "$(cat hook.done 2>/dev/null)" done

# --- without -f: detached, its own session, the pid file; scan_cache = no -----------
config 3 1 "scan_cache = no"
# current still names the broken generation of the watch test
ln -s "gen-$NEW" "$BASE/cur.tmp" && mv -T "$BASE/cur.tmp" "$BASE/current"
"$BIN"/vigild -c vigil.cfg 2> detach.err
is "without -f: the parent returns 0 at once" "$?" 0
for _ in $(seq 100); do [ "$(raw zPING 2>/dev/null)" = "PONG|" ] && break; sleep 0.1; done
DPID=$(cat "$TMP/vigild.pid" 2>/dev/null)
is "the pid file names a session leader" \
    "$(ps -o sid= -p "${DPID:-0}" 2>/dev/null | tr -d ' ')" "${DPID:-none}"
for _ in $(seq 50); do pgrep -P "$DPID" -f " -x worker " >/dev/null && break; sleep 0.1; done
like "scan_cache = no reaches the workers (-C 0)" \
    "$(pgrep -a -P "$DPID" -f " -x worker " | head -n 1)" " -x worker .* -C 0$"
raw zSHUTDOWN > /dev/null
for _ in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
ok "it stops on SHUTDOWN" test -z "$(ps -o pid= -p "$DPID")"
