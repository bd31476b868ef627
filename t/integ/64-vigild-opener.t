#!/usr/bin/env bash
# vigild's opener: the child that opens and walks the paths of SCAN and its
# variants, so that a hung file system never holds up the event loop.  A
# stopped opener (SIGSTOP stands for a hung NFS mount) leaves PING and
# INSTREAM answered at once; a killed one fails the requests it held, is
# replaced, and path scans work again; one past its deadline
# (VIGILD_OPENER_TIMEOUT) is killed the same way; openers that die before
# their first answer are started again ever more slowly, not in a loop;
# one that sends a broken answer, or that a request cannot be sent to
# (an LD_PRELOAD shim for both), is killed and replaced.
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x $PY ] || skip_all "python3 is not installed"
plan 51

C=$BIN/vigil-compile
cd "$TMP" || exit 1
SOCK=$TMP/vigild.sock
BASE=$TMP/base
mkdir -p "$BASE" files walk
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
log_level = 5
[daemon]
socket = $SOCK
num_workers = 2
scan_timeout = 30s
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
EOF
printf '%s' "$EICAR" > files/eicar.com
printf 'just text\n' > files/clean.txt
for f in a b c; do printf '%s' "$EICAR" > walk/$f.com; done
cp "$VIGIL_TOP/t/integ/rawclient.py" raw.py
raw() { local f=$1; shift; printf "$f" | $PY raw.py "$SOCK" "$@"; }
opener() { pgrep -P "$VPID" -x vigild-opener; }
workers() { pgrep -P "$VPID" -f " -x worker " | sort; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# newopener OLD: wait for an opener that is not OLD, print it
newopener() {
	local i p
	for i in $(seq 100); do
		p=$(opener)
		[ -n "$p" ] && [ "$p" != "$1" ] && { echo "$p"; return; }
		sleep 0.05
	done
}
start() {
	"$@" "$BIN"/vigild -f -c vigil.cfg 2>> vigild.log &
	VPID=$!
	for i in $(seq 100); do
		[ "$(raw 'zPING\0' 2>/dev/null)" = "PONG|" ] && break
		sleep 0.1
	done
	for i in $(seq 50); do
		[ "$(workers | wc -l)" -eq 2 ] && [ -n "$(opener)" ] && break
		sleep 0.1
	done
}
start env
trap 'kill -CONT $(pgrep -P $VPID) 2>/dev/null; kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT

# --- the process ---------------------------------------------------------
OP=$(opener)
ok "the opener is a child of vigild" test -n "$OP"
is "it is not a worker" "$(tr '\0' ' ' < /proc/${OP:-0}/cmdline | grep -c ' -x worker')" 0
is "one opener" "$(opener | wc -l)" 1
# SIGHUP (1), SIGINT (2), SIGTERM (15) ignored: bits 0, 1 and 14
ign=$((16#$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/${OP:-0}/status)))
is "it ignores SIGHUP, SIGINT and SIGTERM" "$(( ign & 0x4003 ))" $((0x4003))
is "it holds stdio and its socket only" \
    "$(ls /proc/${OP:-0}/fd | sort -n | tr '\n' ' ')" "0 1 2 3 "
is "paths are scanned through it" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
is "a missing file" "$(raw "zSCAN $TMP/nothing\0")" \
    "$TMP/nothing: File path check failure: No such file or directory. ERROR|"
is "CONTSCAN of a directory" \
    "$(raw "nCONTSCAN $TMP/walk\n" | LC_ALL=C sort | tr '\n' ' ')" \
    "$TMP/walk/a.com: Eicar-Test-Signature FOUND $TMP/walk/b.com: Eicar-Test-Signature FOUND $TMP/walk/c.com: Eicar-Test-Signature FOUND "
is "SCAN of a directory stops at the first hit" \
    "$(raw "nSCAN $TMP/walk\n" | wc -l)" 1

# --- a stopped opener (a hung file system) holds up nobody else -------------
kill -STOP "$OP"
raw "zSCAN $TMP/files/eicar.com\0" > pending.out &
spid=$!
sleep 0.3
t0=$(ms)
out=$(raw 'zPING\0')
t1=$(ms)
is "opener stopped: PING answered" "$out" "PONG|"
ok "... at once ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 2000
t0=$(ms)
out=$({ printf 'zINSTREAM\0\0\0\0\104'; printf '%s' "$EICAR"; printf '\0\0\0\0'; } |
    $PY raw.py "$SOCK")
t1=$(ms)
is "opener stopped: INSTREAM scanned" "$out" "stream: Eicar-Test-Signature FOUND|"
ok "... at once ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 2000
is "the path SCAN is still pending" "$(cat pending.out)" ""
kill -CONT "$OP"
wait $spid
is "continued: the path SCAN completes" "$(cat pending.out)" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"

# --- a killed opener ------------------------------------------------------
# while stopped: the request it held fails, the next one works
kill -STOP "$OP"
raw "zSCAN $TMP/files/eicar.com\0" > killed.out &
spid=$!
sleep 0.3
kill -KILL "$OP"
wait $spid
is "opener killed: the pending SCAN gets an error" "$(cat killed.out)" \
    "$TMP/files/eicar.com: File path check failure: opener died. ERROR|"
NOP=$(newopener "$OP")
ok "a new opener is started" test -n "$NOP"
is "and a path SCAN works" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
# mid-walk: the workers hold the walk's first file, the opener is killed
# (a walk longer than what the opener is asked ahead: SV_AHEAD + 1)
mkdir long
for i in $(seq 40); do printf '%s' "$EICAR" > long/f$i.com; done
W=$(workers)
# shellcheck disable=SC2086
kill -STOP $W
raw "nCONTSCAN $TMP/long\n" > midwalk.out &
spid=$!
sleep 0.3
OP=$NOP
kill -KILL "$OP"
NOP=$(newopener "$OP")
# shellcheck disable=SC2086
kill -CONT $W
wait $spid
like "killed mid-walk: an error line for the directory" \
    "$(head -1 midwalk.out)" \
    "^$TMP/long: Can't walk the directory: opener died\. ERROR$"
like "... then the file that was in flight, nothing more" \
    "$(tail -n +2 midwalk.out | tr '\n' ' ')" \
    "^$TMP/long/f[0-9]+\.com: Eicar-Test-Signature FOUND $"
ok "a new opener again" test -n "$NOP"
is "and a directory scan works" \
    "$(raw "nCONTSCAN $TMP/walk\n" | wc -l)" 3
# a file the client cannot read: "Access denied" in its place, the rest
# scanned (the opener opens as the client)
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP"
	mkdir deny
	for i in $(seq 40); do
		printf '%s' "$EICAR" > deny/f$i.com
		[ $((i % 2)) -eq 0 ] && chmod 600 deny/f$i.com
	done
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    $PY raw.py "$SOCK"; }
	out=$(printf 'nCONTSCAN %s\n' "$TMP/deny" | asnobody)
	is "CONTSCAN as nobody: 20 found, 20 denied, the end" \
	    "$(grep -c ' FOUND$' <<<"$out"):$(grep -c ': Access denied: Permission denied\. ERROR$' <<<"$out"):$(wc -l <<<"$out")" \
	    "20:20:40"
	out=$(printf 'nMULTISCAN %s\n' "$TMP/deny" | asnobody)
	is "MULTISCAN as nobody: the same" \
	    "$(grep -c ' FOUND$' <<<"$out"):$(grep -c ': Access denied: Permission denied\. ERROR$' <<<"$out")" \
	    "20:20"
else
	skip 2 "not root: cannot scan as another user"
fi
# files are asked ahead and wait for their turn: every one, once
is "MULTISCAN of 40 files: each found once" \
    "$(raw "nMULTISCAN $TMP/long\n" | sort -u | grep -c ' FOUND$')" 40
is "CONTSCAN of 40 files: each found once" \
    "$(raw "nCONTSCAN $TMP/long\n" | grep ' FOUND$' | sort -u | wc -l):$(raw "nCONTSCAN $TMP/long\n" | wc -l)" "40:40"
like "the opener's end is logged" "$(grep -c 'opener pid' vigild.log)" '^[1-9]'

# --- a client gone in the middle of a walk ----------------------------------
mkdir many
for i in $(seq 40); do printf 'clean %d\n' "$i" > many/f$i.txt; done
W=$(workers)
# shellcheck disable=SC2086
kill -STOP $W
$PY raw.py "$SOCK" < <(printf 'nCONTSCAN %s\n' "$TMP/many") > gone.out &
spid=$!
sleep 0.3
kill -KILL $spid
wait $spid 2>/dev/null
# shellcheck disable=SC2086
kill -CONT $W
is "client gone mid-walk: vigild still answers" "$(raw 'zPING\0')" "PONG|"
is "... the same opener" "$(opener)" "$NOP"
is "... and the next walk is whole" \
    "$(raw "nCONTSCAN $TMP/many\n")" "$TMP/many: OK"

# --- SHUTDOWN: the opener goes with vigild ------------------------------------
OP=$(opener)
raw 'zSHUTDOWN\0' > /dev/null
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
wait $VPID; rc=$?
is "SHUTDOWN: vigild exits 0" "$rc" 0
ok "the opener is gone" test ! -e /proc/${OP:-0}

# --- the deadline: VIGILD_OPENER_TIMEOUT (vigild.8) ------------------------------
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
start env VIGILD_OPENER_TIMEOUT=1
OP=$(opener)
kill -STOP "$OP"
t0=$(ms)
out=$(raw "zSCAN $TMP/files/eicar.com\0")
t1=$(ms)
is "opener past its deadline: the SCAN fails" "$out" \
    "$TMP/files/eicar.com: File path check failure: timed out. ERROR|"
ok "... after the deadline (1 s), not the default 30 s ($((t1 - t0)) ms)" \
    test $((t1 - t0)) -ge 900 -a $((t1 - t0)) -lt 10000
NOP=$(newopener "$OP")
is "a new opener scans" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
for i in $(seq 50); do [ -e /proc/$OP ] || break; sleep 0.1; done
ok "the stopped one was killed and reaped" test ! -e /proc/$OP

# --- openers that die before their first answer, again and again ---------------
# (convention 16) one that answered before is replaced at once; one that
# never answered waits 100 ms, then 200, 400, ... up to 30 s.  Each is
# killed as it appears, for 2.5 s: a handful are started, not a loop,
# PING is answered all along, and once they are left alone a path scan
# works again
( end=$(( $(ms) + 2500 )); n=0
  while [ "$(ms)" -lt $end ]; do
	for p in $(opener); do kill -KILL "$p" 2>/dev/null && n=$((n + 1)); done
	sleep 0.005
  done; echo $n > killed ) &
KILLER=$!
sleep 1
is "openers killed as they start: PING is answered" "$(raw 'zPING\0')" "PONG|"
wait $KILLER
n=$(cat killed)
# at 0 (it had answered), then 0, 100, 300, 700 and 1500 ms: the next at 3.1 s
ok "... not restarted in a loop: $n openers in 2.5 s" test "$n" -ge 3 -a "$n" -le 7
like "... the delay doubles, and is logged" \
    "$(grep 'opener failure' vigild.log | head -n 2 | tr '\n' ' ')" \
    "opener failure 2: next start in 200 ms.*opener failure 3: next start in 400 ms"
NOP=$(newopener "")
is "... left alone, the next one scans" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"

# --- an opener that sends a broken answer ----------------------------------------
# An LD_PRELOAD shim (compiled here) breaks one answer of the opener: in
# a process forked without exec (pid not the one it was loaded in: only
# the opener), while the file "break" exists, sendmsg(2) sends 3 bytes of
# junk instead and removes the file.  vigild kills that opener, the
# request fails, the next opener scans.
cat > shim.c <<'CEOF'
#define _GNU_SOURCE
#include <sys/socket.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t	 loaded;
static int	 off;		/* a worker: no system call of ours there */

__attribute__((constructor)) static void
shim_init(int argc, char **argv)
{
	int	 i;

	loaded = getpid();
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i - 1], "-x") == 0 &&
		    strcmp(argv[i], "worker") == 0)
			off = 1;
}

/* in the opener (forked, not exec'd): one answer of junk */
ssize_t
sendmsg(int s, const struct msghdr *mh, int flags)
{
	static ssize_t	(*real)(int, const struct msghdr *, int);
	const char	*t = getenv("SHIM_BREAK");

	if (real == NULL)
		real = (ssize_t (*)(int, const struct msghdr *, int))
		    dlsym(RTLD_NEXT, "sendmsg");
	if (!off && t != NULL && getpid() != loaded && unlink(t) == 0)
		return send(s, "bad", 3, flags);
	return real(s, mh, flags);
}

/* in the supervisor: one request to the opener fails */
ssize_t
send(int s, const void *p, size_t len, int flags)
{
	static ssize_t	(*real)(int, const void *, size_t, int);
	const char	*t = getenv("SHIM_SENDFAIL");
	socklen_t	 tl = sizeof(int);
	int		 type;

	if (real == NULL)
		real = (ssize_t (*)(int, const void *, size_t, int))
		    dlsym(RTLD_NEXT, "send");
	if (!off && t != NULL && getpid() == loaded &&
	    getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 &&
	    type == SOCK_SEQPACKET && unlink(t) == 0) {
		errno = ECONNRESET;
		return -1;
	}
	return real(s, p, len, flags);
}
CEOF
if cc -shared -fPIC -o shim.so shim.c -ldl 2> shim.err; then
	kill $VPID; wait $VPID
	start env LD_PRELOAD="$TMP/shim.so" SHIM_BREAK="$TMP/break" \
	    SHIM_SENDFAIL="$TMP/sendfail" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	OP=$(opener)
	is "with the shim, the opener scans" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
	    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
	touch break
	is "a broken answer: the SCAN fails" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
	    "$TMP/files/eicar.com: File path check failure: opener failed. ERROR|"
	ok "... the shim broke it" test ! -e break
	like "... vigild says so and kills the opener" \
	    "$(grep "opener pid $OP:" vigild.log | tail -n 1)" \
	    "opener pid $OP: sent a broken answer, killed"
	NOP=$(newopener "$OP")
	is "... the next opener scans" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
	    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
	is "... and PING goes on" "$(raw 'zPING\0')" "PONG|"
	# a request vigild cannot send to the opener: that opener is ended,
	# the request waits for the next one
	OP=$NOP
	touch sendfail
	is "a send to the opener fails: the next opener serves the SCAN" \
	    "$(raw "zSCAN $TMP/files/eicar.com\0")" \
	    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
	ok "... the shim failed it" test ! -e sendfail
	like "... vigild says so" "$(grep "opener pid $OP: send" vigild.log)" \
	    "opener pid $OP: send: Connection reset"
	like "... and ends that opener" \
	    "$(grep "opener pid $OP:" vigild.log | tail -n 1)" \
	    "opener pid $OP: cannot be written, killed"
	ok "... a new one serves" test -n "$(newopener "$OP")"
else
	skip 11 "no C compiler for the shim: $(head -n 1 shim.err)"
fi
