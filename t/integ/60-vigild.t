#!/usr/bin/env bash
# vigild against real clamd clients: clamdscan (path, --stream, --fdpass,
# -m) and pyclamd; raw protocol bytes; clamav-testfiles through INSTREAM;
# a worker crash, a timeout, the sandbox, reloads under load, SHUTDOWN,
# SIGTERM to the whole process group
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
TF=/usr/share/clamav-testfiles
command -v clamdscan >/dev/null || skip_all "clamdscan is not installed"
$PY -c 'import pyclamd' 2>/dev/null || skip_all "python3-pyclamd is not installed"
[ -r $TF/clam.exe ] || skip_all "clamav-testfiles is not installed"
plan 59

C=$BIN/vigil-compile
cd "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
mkdir -p "$BASE" files
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
serial() { readlink "$BASE/current" | sed 's/^gen-//'; }
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
log_level = 5
[daemon]
socket = $SOCK
num_workers = 2
scan_timeout = 2s
max_stream_size = 2M
max_jobs_per_worker = 25
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
EOF
printf 'LocalSocket %s\n' "$SOCK" > clamd.conf
printf '%s' "$EICAR" > files/eicar.com
printf 'just text\n' > files/clean.txt
{ head -c 5000 /dev/zero; printf 'VIGIL-TEST-SIGNATURE: this is not a virus'; } \
    > files/embedded.bin
# a worker reads objects up to 256 KiB and maps bigger ones: the signature
# in the last bytes on either side of that line
mkdir sizes
TS='VIGIL-TEST-SIGNATURE: this is not a virus'
for n in 262144 262145; do
	{ head -c $((n - ${#TS})) /dev/zero; printf '%s' "$TS"; } > sizes/$n.bin
done

# raw BYTES [FILE]: send printf-escaped bytes (then FILE's descriptor with
# one byte, as clamdscan --fdpass does), half-close, print the reply with
# every NUL shown as |
cp "$VIGIL_TOP/t/integ/rawclient.py" raw.py
raw() { local f=$1; shift; printf "$f" | $PY raw.py "$SOCK" "$@"; }
rawin() { $PY raw.py "$SOCK" "$@"; }
cds() { clamdscan --config-file="$TMP/clamd.conf" --no-summary "$@" 2>&1; }
workers() { pgrep -P "$VPID" -f " -x worker " | sort; }

$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 100); do
	[ "$(raw 'zPING\0' 2>/dev/null)" = "PONG|" ] && break
	sleep 0.1
done
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done

# --- raw protocol bytes ---------------------------------------------------
is "zPING" "$(raw 'zPING\0')" "PONG|"
is "nPING" "$(raw 'nPING\n')" "PONG"
is "old-style PING without a terminator" "$(raw 'PING')" "PONG"
like "VERSION names the generation" "$(raw 'nVERSION\n')" \
    "^ClamAV 1\.4\.6-Vigil-[0-9.]+/$(serial)/"
like "VERSIONCOMMANDS" "$(raw 'zVERSIONCOMMANDS\0')" \
    "\| COMMANDS: SCAN .* INSTREAM .*ALLMATCHSCAN\|$"
is "unknown command" "$(raw 'zPINGX\0')" "UNKNOWN COMMAND|"
is "SCAN of a missing file" "$(raw "zSCAN $TMP/nothing\0")" \
    "$TMP/nothing: File path check failure: No such file or directory. ERROR|"
is "SCAN by path" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
is "a clean file" "$(raw "nSCAN $TMP/files/clean.txt\n")" \
    "$TMP/files/clean.txt: OK"
is "a file of 256 KiB (read whole), its last bytes" \
    "$(raw "zSCAN $TMP/sizes/262144.bin\0")" \
    "$TMP/sizes/262144.bin: Vigil.Test.Signature FOUND|"
is "a file of 256 KiB + 1 (mapped), its last bytes" \
    "$(raw "zSCAN $TMP/sizes/262145.bin\0")" \
    "$TMP/sizes/262145.bin: Vigil.Test.Signature FOUND|"
is "INSTREAM" "$({ printf 'zINSTREAM\0\0\0\0\104'; printf '%s' "$EICAR";
    printf '\0\0\0\0'; } | rawin)" \
    "stream: Eicar-Test-Signature FOUND|"
is "INSTREAM over max_stream_size" \
    "$(raw 'zINSTREAM\0\0\x30\0\0xxxx')" \
    "INSTREAM size limit exceeded. ERROR|"
is "FILDES" "$(raw 'zFILDES\0' files/eicar.com | sed 's/fd\[[0-9]*\]/fd[N]/')" \
    "fd[N]: Eicar-Test-Signature FOUND|"
is "FILDES without a descriptor" "$(raw 'zFILDES\0x')" \
    "No file descriptor received. ERROR|"
out=$(raw "zIDSESSION\0zPING\0zSCAN $TMP/files/eicar.com\0zEND\0")
is "IDSESSION numbers the replies" "$out" \
    "1: PONG|2: $TMP/files/eicar.com: Eicar-Test-Signature FOUND|"
is "CONTSCAN of a directory: the hits only" \
    "$(raw "nCONTSCAN $TMP/files\n" | LC_ALL=C sort | tr '\n' ' ')" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND $TMP/files/embedded.bin: Vigil.Test.Signature FOUND "
mkdir -p cleandir && cp files/clean.txt cleandir/
is "SCAN of a clean directory" "$(raw "nSCAN $TMP/cleandir\n")" \
    "$TMP/cleandir: OK"
like "STATS" "$(raw 'nSTATS\n')" "THREADS: live [0-9]+  idle [0-9]+ max 2"

# --- clamdscan ------------------------------------------------------------
for mode in path --stream --fdpass -m; do
	opt=$mode; [ $mode = path ] && opt=
	out=$(cds $opt "$TMP/files/eicar.com" "$TMP/files/clean.txt"); rc=$?
	is "clamdscan $mode: EICAR and clean, exit 1" "$rc:$out" \
	    "1:$TMP/files/eicar.com: Eicar-Test-Signature FOUND
$TMP/files/clean.txt: OK"
done
out=$(cds -m "$TMP/files" | LC_ALL=C sort)
is "clamdscan -m of a directory" "$out" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND
$TMP/files/embedded.bin: Vigil.Test.Signature FOUND"

# --- pyclamd --------------------------------------------------------------
out=$($PY - "$SOCK" "$TMP/files" <<'EOF'
import sys, pyclamd
c = pyclamd.ClamdUnixSocket(sys.argv[1])
d = sys.argv[2]
print(c.ping())
print(c.version().startswith("ClamAV 1.4.6-Vigil-"))
print(c.scan_file(d + "/eicar.com"))
print(c.scan_file(d + "/clean.txt"))
print(c.scan_stream(open(d + "/eicar.com", "rb").read()))
print(c.scan_stream(b"just text"))
print(sorted(c.multiscan_file(d).items()))
EOF
)
is "pyclamd: ping, version, scan_file, scan_stream, multiscan" "$out" \
"True
True
{'$TMP/files/eicar.com': ('FOUND', 'Eicar-Test-Signature')}
None
{'stream': ('FOUND', 'Eicar-Test-Signature')}
None
[('$TMP/files/eicar.com', ('FOUND', 'Eicar-Test-Signature')), ('$TMP/files/embedded.bin', ('FOUND', 'Vigil.Test.Signature'))]"

# --- clamav-testfiles through INSTREAM ------------------------------------
# The ones vigil-scan finds with the default database (30-clamav-testfiles.t)
TFOUND="clam.exe clam.zip clam.bz2.zip clam.d64.zip clam.impl.zip clam.7z
clam.cab clam.arj clam.tar.gz clam.bin-be.cpio clam.bin-le.cpio clam.newc.cpio
clam.odc.cpio clam.exe.bz2 clam.exe.szdd clam_cache_emax.tgz clam.exe.binhex
clam.exe.mbox.base64 clam.exe.mbox.uu clam.mail clam.tnef clam.sis clam.chm
clam.exe.html"
args=""; want=""
for f in $TFOUND; do
	args="$args $TF/$f"
	want="$want$TF/$f: Vigil.Test.ClamAVTestFile FOUND
"
done
# shellcheck disable=SC2086
out=$(cds --stream $args)
is "clamav-testfiles: 24 detections through INSTREAM (archives, mail)" \
    "$out" "${want%
}"

# --- the sandbox ------------------------------------------------------------
# workers recycle every 25 jobs: look at one that is ready, not one that
# is still starting (before its sandbox, by design)
for i in $(seq 100); do
	$BIN/vigilctl -s "$SOCK" status 2>/dev/null |
	    grep -q 'starting 0, idle 2,' && break
	sleep 0.05
done
w=$(workers | head -1)
st=$(cat /proc/$w/status)
like "a worker runs under seccomp (filter mode)" "$st" "Seccomp:	2"
like "a worker has no_new_privs" "$st" "NoNewPrivs:	1"
if [ "$(id -u)" -eq 0 ]; then
	is "a worker's root is the empty directory" "$(readlink /proc/$w/root)" \
	    /var/empty
	like "a worker runs as [daemon] user" "$st" "Uid:	$(id -u nobody)	"
else
	ok "# SKIP not root: no chroot" true
	ok "# SKIP not root: no user change" true
fi

# a worker retiring after max_jobs_per_worker exits 0 from its sandbox (a
# SAN=1 build's LeakSanitizer, which the filter would kill, stays off there)
like "workers retire after 25 jobs and exit normally" \
    "$(grep -c 'exited after 25 jobs' vigild.log)" '^[1-9]'

# --- a worker killed with SIGSEGV in the middle of a job ----------------------
# Stopped workers hold the job deterministically; SEGV lands when they resume.
old=$(workers)
# shellcheck disable=SC2086
kill -STOP $old
raw "zINSTREAM\0\0\0\0\x05hello\0\0\0\0" > crash.out &
rpid=$!
sleep 0.3
# shellcheck disable=SC2086
kill -SEGV $old; kill -CONT $old
wait $rpid
# (in a SAN=1 build ASan catches the SEGV and dies by SIGSYS in the sandbox)
like "a crashed worker's request: not scanned, signal 11" "$(cat crash.out)" \
    "^stream: Not scanned \(terminated; signal (11|31)\)\. ERROR\|$"
is "the daemon keeps serving" "$(raw 'zPING\0')" "PONG|"
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done
new=$(workers)
is "the workers were replaced" "$(comm -12 <(echo "$old") <(echo "$new"))" ""
is "two workers again" "$(echo "$new" | wc -l)" 2
is "and they scan" "$(raw "zSCAN $TMP/files/eicar.com\0")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND|"

# --- scan_timeout ----------------------------------------------------------
old=$(workers)
# shellcheck disable=SC2086
kill -STOP $old
t0=$(date +%s%N)
out=$(cds "$TMP/files/clean.txt"); rc=$?
t1=$(date +%s%N)
# shellcheck disable=SC2086
kill -CONT $old 2>/dev/null
is "a job past scan_timeout: not scanned, timeout" "$rc:$out" \
    "2:$TMP/files/clean.txt: Not scanned (terminated; timeout). ERROR"
ms=$(( (t1 - t0) / 1000000 ))
ok "answered after scan_timeout (2 s), within 3 s ($ms ms)" \
    test $ms -ge 1900 -a $ms -lt 3000
grep -q "not scanned (terminated; timeout)" vigild.log
ok "the timeout is logged" test $? -eq 0

# --- reloads while a client scans in a loop --------------------------------
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done
s1=$(serial)
$PY - "$SOCK" "$TMP/files" > loop.out <<'EOF' &
import sys, time, pyclamd
c = pyclamd.ClamdUnixSocket(sys.argv[1])
eicar = open(sys.argv[2] + "/eicar.com", "rb").read()
ok = bad = 0
end = time.time() + 4
while time.time() < end:
	try:
		a = c.scan_stream(eicar)
		b = c.scan_file(sys.argv[2] + "/clean.txt")
		if a == {'stream': ('FOUND', 'Eicar-Test-Signature')} and b is None:
			ok += 1
		else:
			bad += 1
			print("bad:", a, b)
	except Exception as e:
		bad += 1
		print("error:", e)
print("ok" if ok > 50 else "few", bad)
EOF
lpid=$!
sleep 0.7
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default
s2=$(serial)
kill -USR2 $VPID
sleep 1
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default
s3=$(serial)
is "RELOAD" "$(raw 'zRELOAD\0')" "RELOADING|"
sleep 1
rm "$BASE/current"
is "RELOAD without current" "$(raw 'zRELOAD\0')" "RELOADING|"
wait $lpid
is "three generations, recycled workers: no failed request" "$(tail -1 loop.out)" "ok 0"
[ "$(tail -1 loop.out)" = "ok 0" ] || diag "$(head -5 loop.out)"
ok "generations differ" test "$s1" != "$s2" -a "$s2" != "$s3"
like "VERSION shows the last serial" "$(raw 'nVERSION\n')" "/$s3/"
grep -q "keeping generation $s3" vigild.log
ok "a missing current is logged and the generation kept" test $? -eq 0
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done
is "the old generations' workers are gone" "$(workers | wc -l)" 2

# --- paths are opened as the client ------------------------------------------
# A client can scan only what it can read itself (SO_PEERCRED, setfsuid).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$TMP"
	mkdir -p pub && chmod 755 pub
	printf '%s' "$EICAR" > pub/open.com && chmod 644 pub/open.com
	printf '%s' "$EICAR" > pub/closed.com && chmod 600 pub/closed.com
	asnobody() {
		printf "$1" | setpriv --reuid=65534 --regid=65534 \
		    --clear-groups $PY raw.py "$SOCK"
	}
	is "as nobody: a file it can read is scanned" \
	    "$(asnobody "zSCAN $TMP/pub/open.com\\0")" \
	    "$TMP/pub/open.com: Eicar-Test-Signature FOUND|"
	like "as nobody: a file it cannot read is refused" \
	    "$(asnobody "zSCAN $TMP/pub/closed.com\\0")" \
	    "closed.com: File path check failure: Permission denied. ERROR"
	is "as root: the same file is scanned" \
	    "$(raw "zSCAN $TMP/pub/closed.com\\0")" \
	    "$TMP/pub/closed.com: Eicar-Test-Signature FOUND|"
	# a file readable through a supplementary group only (SO_PEERGROUPS)
	printf '%s' "$EICAR" > pub/group.com
	chgrp 4242 pub/group.com && chmod 640 pub/group.com
	is "as nobody in group 4242: a group-readable file is scanned" \
	    "$(printf "zSCAN $TMP/pub/group.com\\0" | setpriv --reuid=65534 \
	    --regid=65534 --groups=4242 $PY raw.py "$SOCK")" \
	    "$TMP/pub/group.com: Eicar-Test-Signature FOUND|"
	like "as nobody without the group: refused (groups are reset)" \
	    "$(asnobody "zSCAN $TMP/pub/group.com\\0")" \
	    "group.com: File path check failure: Permission denied. ERROR"
else
	skip 5 "not root, or no setpriv: peer credentials not tested"
fi

# --- SHUTDOWN ----------------------------------------------------------------
raw 'zSHUTDOWN\0' > /dev/null
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
wait $VPID; rc=$?
is "SHUTDOWN: vigild exits 0" "$rc" 0
ok "the socket is removed" test ! -e "$SOCK"
ok "no worker is left" test -z "$(pgrep -f "vigild -c $TMP/vigil.cfg -x worker")"

# --- SIGTERM to the whole process group (timeout(1), a kill of the group) ---
# the workers leave it to the supervisor, which drains them.  (SIGINT, a
# terminal's ^C, cannot be tested from here: bash starts background
# commands with SIGINT ignored.)
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
setsid "$BIN"/vigild -f -c vigil.cfg 2> vigild-term.log &
VPID=$!
for i in $(seq 100); do
	[ "$(raw 'zPING\0' 2>/dev/null)" = "PONG|" ] && break
	sleep 0.1
done
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done
kill -TERM -- -"$VPID"
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
wait $VPID; rc=$?
is "SIGTERM to the process group: vigild exits 0" "$rc" 0
like "... after draining its workers" "$(cat vigild-term.log)" "vigild stopped"
is "... which were not killed by the signal" "$(grep -c -e 'cannot send MSG_DRAIN' \
    -e 'terminated; signal 15' vigild-term.log)" 0

# --- SIGTERM while workers are starting (they recycle after every job) ---
# a worker told to drain as it starts says READY, then exits: no warning
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default || exit 1
sed 's/^max_jobs_per_worker = .*/max_jobs_per_worker = 1/' vigil.cfg > recycle.cfg
"$BIN"/vigild -f -c recycle.cfg 2> vigild-recycle.log &
VPID=$!
for i in $(seq 100); do
	[ "$(raw 'zPING\0' 2>/dev/null)" = "PONG|" ] && break
	sleep 0.1
done
for i in 1 2 3 4; do raw "zSCAN $TMP/files/clean.txt\0" > /dev/null; done
kill -TERM "$VPID"
wait $VPID; rc=$?
is "SIGTERM among starting workers: vigild exits 0" "$rc" 0
is "... no worker killed, no unexpected message" \
    "$(grep -c -e 'killed' -e 'unexpected' -e 'terminated; signal' vigild-recycle.log)" 0
