#!/usr/bin/env bash
# vigilctl and vigild's native protocol: ping, version, status, stats,
# reload, shutdown; native scans by descriptor and by stream (vigilctl's
# diagnostic "scan"); clamd on the same socket; malformed native frames;
# the stream limit; a timed-out job as a "not scanned" verdict; who may
# reload; exit statuses 0, 1 and 2
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
[ -x $PY ] || skip_all "python3 is not installed"
plan 36

C=$BIN/vigil-compile
CTL=$BIN/vigilctl
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
user = nobody
reload_check_interval = 0
EOF
printf '%s' "$EICAR" > files/eicar.com
printf 'just text\n' > files/clean.txt
head -c 3000000 /dev/zero > files/big.bin
$PY - <<'EOF'
import zipfile
z = zipfile.ZipFile("files/e.zip", "w")
z.write("files/eicar.com", "inner/eicar.com")
z.writestr("readme.txt", "nothing here\n")
z.close()
EOF

# raw EXPR: send the bytes of a python expression (hdr(type, len, id) is a
# native header), half-close, print the reply as python shows bytes
raw() {
	$PY - "$SOCK" "$1" <<'EOF'
import socket, struct, sys
def hdr(t, n, i):
	return struct.pack("=IIII", t, n, i, 0)
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(eval(sys.argv[2]))
s.shutdown(socket.SHUT_WR)
out = b""
while True:
	b = s.recv(65536)
	if not b:
		break
	out += b
print(repr(out))
EOF
}
ctl() { $CTL -s "$SOCK" "$@" 2>&1; }
# one line, for patterns that span lines
flat() { tr '\n' ';'; }
workers() { pgrep -P "$VPID" -f " -x worker " | sort; }
waitworkers() {
	for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done
}

$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 100); do
	$CTL -s "$SOCK" ping >/dev/null 2>&1 && break
	sleep 0.1
done
waitworkers
s1=$(serial)

# --- control -----------------------------------------------------------------
out=$(ctl ping); rc=$?
is "ping" "$rc:$out" "0:PONG"
is "ping, the socket from -c FILE" "$($CTL -c vigil.cfg ping 2>&1)" "PONG"
like "version names the generation" "$(ctl version)" \
    "^vigild [0-9.]+, generation $s1 \(built [0-9-]+ [0-9:]+ UTC\)$"
st=$(ctl status | flat)
like "status: the serial" "$st" "^generation: $s1;"
like "status: 2 workers, idle" "$st" \
    ";workers: 2 \(starting 0, idle 2, busy 0, draining 0; num_workers 2\);"
like "status: the rest" "$st" "^generation: $s1;signatures: [1-9][0-9]*;workers: .*;jobs: 0;infected: 0;crashes: 0;timeouts: 0;clients: 1;queued: 0;uptime: [0-9]+s;$"
like "stats" "$(ctl stats | flat)" \
    "^clients: 1;queued: 0;jobs: 0;infected: 0;signature bytes: [1-9][0-9]*;$"

# --- native scans -------------------------------------------------------------
is "scan by descriptor: the object's path and name" \
    "$(ctl scan "$TMP/files/eicar.com")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
is "scan by stream" "$(ctl scan -S "$TMP/files/eicar.com")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
is "the whole tree: a member's path inside a zip (descriptor)" \
    "$(ctl scan -v "$TMP/files/e.zip")" \
    "$TMP/files/e.zip: clean
$TMP/files/e.zip/inner/eicar.com: Eicar-Test-Signature FOUND"
is "the whole tree by stream, named by the client" \
    "$(ctl scan -S -n mail/42.eml "$TMP/files/e.zip")" \
    "mail/42.eml/inner/eicar.com: Eicar-Test-Signature FOUND"
is "a clean file" "$(ctl scan -S "$TMP/files/clean.txt")" \
    "$TMP/files/clean.txt: OK"
out=$(ctl scan -S "$TMP/files/big.bin"); rc=$?
like "a stream over max_stream_size: the daemon says no (1)" "$rc:$out" \
    "^1:vigilctl: scan: stream over max_stream_size \(2097152 bytes\)"
like "stats counts the jobs" "$(ctl stats | flat)" ";jobs: 5;infected: 4;"

# --- one socket, two protocols --------------------------------------------------
is "clamd still answers on the socket" "$(raw "b'zPING\0'")" "b'PONG\x00'"
is "a first packet that is a prefix of the magic is clamd's" \
    "$(raw "b'VG'")" "b'UNKNOWN COMMAND\n'"
is "native PING by hand" "$(raw "b'VGL1' + hdr(0x100, 16, 7)")" \
    "$(printf '%s' "b'\x00\x02\x00\x00\x15\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00PONG\x00'")"
like "an unknown frame type: an error, the rest ignored, closed" \
    "$(raw "b'VGL1' + hdr(0x999, 16, 3) + hdr(0x100, 16, 4)")" \
    "^b.\\\\x01\\\\x02.*unknown frame type\\\\x00.$"
like "a length below the header: an error" \
    "$(raw "b'VGL1' + hdr(0x100, 8, 3)")" \
    "frame length below the header size"
like "a SCAN without descriptor nor stream: refused" \
    "$(raw "b'VGL1' + hdr(0x106, 56, 3) + bytes(40)")" \
    "SCAN without a descriptor or a stream"
# a stream SCAN by hand: the R_VERDICT header's gen is the serial
gen=$($PY - "$SOCK" <<'EOF'
import socket, struct, sys
def hdr(t, n, i):
	return struct.pack("=IIII", t, n, i, 0)
pay = struct.pack("=I", 2) + b"test\0\0\0\0" + struct.pack("=IQIQII", 0, 0, 0, 0, 0, 0)
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(b"VGL1" + hdr(0x106, 16 + len(pay), 5) + pay +
    hdr(0x107, 21, 5) + b"hello" + hdr(0x107, 16, 5))
out = b""
while len(out) < 16 or len(out) < struct.unpack("=IIII", out[:16])[1] & 0x7fffffff:
	b = s.recv(65536)
	if not b:
		break
	out += b
t, n, i, g = struct.unpack("=IIII", out[:16])
print("%x %d %d" % (t, i, g))
EOF
)
is "R_VERDICT: its gen field is the generation's serial" "$gen" "206 5 $s1"
grep -q "native protocol: unknown frame type (request 3), dropped" vigild.log
ok "a malformed frame is logged" test $? -eq 0
is "and the daemon keeps serving" "$(ctl ping)" "PONG"

# --- a job past scan_timeout: a verdict whose root is not scanned ---------------
old=$(workers)
# shellcheck disable=SC2086
kill -STOP $old
out=$(ctl scan -S "$TMP/files/clean.txt"); rc=$?
# shellcheck disable=SC2086
kill -CONT $old 2>/dev/null
is "a timed-out job: not scanned, timeout" "$rc:$out" \
    "0:$TMP/files/clean.txt: Not scanned (terminated; timeout)"
waitworkers
like "status counts the timeout" "$(ctl status)" "timeouts: 1"

# --- reload ----------------------------------------------------------------------
is "reload without a new generation" "$(ctl reload)" \
    "unchanged: generation $s1"
$C -q --install "$BASE" "$VIGIL_TOP"/signatures/default
s2=$(serial)
out=$(ctl reload); rc=$?
is "reload to a new generation" "$rc:$out" \
    "0:reloaded: generation $s1 -> $s2"
like "status shows the new serial at once" "$(ctl status)" \
    "^generation: $s2$"
waitworkers
is "and scans with it" "$(ctl scan "$TMP/files/eicar.com")" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
mv "$BASE/current" "$BASE/current.away"
out=$(ctl reload); rc=$?
like "a reload that fails: the daemon says no (1)" "$rc:$out" \
    "^1:vigilctl: reload: the new generation is not usable; keeping $s2"
mv "$BASE/current.away" "$BASE/current"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$TMP"
	asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	out=$(asnobody $CTL -s "$SOCK" reload 2>&1); rc=$?
	like "reload as another user: refused (1)" "$rc:$out" \
	    "^1:vigilctl: reload: .*\(permission denied\)"
else
	skip 1 "not root, or no setpriv: admin check not tested"
fi

# --- exit statuses, shutdown -------------------------------------------------------
out=$($CTL -s "$TMP/nothing.sock" ping 2>&1); rc=$?
like "no daemon: exit 2" "$rc:$out" "^2:vigilctl: cannot reach vigild: "
$CTL -s "$SOCK" bogus >/dev/null 2>&1
is "an unknown command: exit 2" "$?" 2
out=$(ctl shutdown); rc=$?
is "shutdown" "$rc:$out" "0:shutting down"
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
wait $VPID; rc=$?
is "vigild exits 0" "$rc" 0
ok "the socket is removed" test ! -e "$SOCK"
