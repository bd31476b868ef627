#!/usr/bin/env bash
# vigil-scan through vigild: descriptors passed (root's 0600 files scanned
# by workers running as nobody), archives, unreadable paths, include and
# exclude lists, --exclude, --files-from, --max-filesize, --json, --log,
# --quiet, --action move/delete, symbolic links, exit codes, a daemon
# that is down, fail-over, several requests in flight, the progress line
. "$(dirname "$0")/tap.sh"
PY=/usr/bin/python3
command -v zip >/dev/null || skip_all "zip is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (workers as nobody, setpriv)"
plan 70

C=$BIN/vigil-compile
S=$BIN/vigil-scan
cd "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
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
[scan]
daemon_addr = $SOCK
EOF
VS() { $S -c "$TMP/vigil.cfg" "$@"; }
workers() { pgrep -P "$VPID" -f " -x worker " | sort; }

# the tree: every file root's and mode 0600, so only a passed descriptor
# lets a worker (nobody, chrooted) read it
mkdir -p files/sub/deep files/skip other arch
printf 'just text\n' > files/clean.txt
printf '%s' "$EICAR" > files/eicar.com
printf '%s' "$EICAR" > arch/eicar.com
(cd arch && zip -q ../files/sub/inner.zip eicar.com)
tar czf files/sub/deep/inner.tar.gz -C arch eicar.com
printf '%s' "$EICAR" > files/skip/eicar2.com
printf '%s' "$EICAR" > other/eicar3.com
chmod 600 files/clean.txt files/eicar.com files/sub/inner.zip \
    files/sub/deep/inner.tar.gz files/skip/eicar2.com other/eicar3.com

$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
trap 'kill -CONT $(workers) 2>/dev/null; kill $VPID 2>/dev/null;
    rm -rf "$TMP"' EXIT
for i in $(seq 100); do
	[ "$($BIN/vigilctl -s "$SOCK" ping 2>/dev/null)" = PONG ] && break
	sleep 0.1
done
for i in $(seq 50); do [ "$(workers | wc -l)" -eq 2 ] && break; sleep 0.1; done

# --- clean, infected, archives -------------------------------------------
out=$(VS --no-summary files/clean.txt); rc=$?
is "a clean file: nothing printed, exit 0" "$rc:$out" "0:"
is "-v prints OK" "$(VS -v --no-summary files/clean.txt)" \
    "files/clean.txt: OK"
out=$(VS --no-summary files/eicar.com); rc=$?
is "EICAR (root's 0600 file, worker as nobody): exit 1" "$rc:$out" \
    "1:files/eicar.com: Eicar-Test-Signature FOUND"
is "EICAR inside a zip" "$(VS --no-summary files/sub/inner.zip)" \
    "files/sub/inner.zip/eicar.com: Eicar-Test-Signature FOUND"
is "EICAR inside a tar.gz" "$(VS --no-summary files/sub/deep/inner.tar.gz)" \
    "files/sub/deep/inner.tar.gz/eicar.com: Eicar-Test-Signature FOUND"
ALL="files/eicar.com: Eicar-Test-Signature FOUND
files/skip/eicar2.com: Eicar-Test-Signature FOUND
files/sub/deep/inner.tar.gz/eicar.com: Eicar-Test-Signature FOUND
files/sub/inner.zip/eicar.com: Eicar-Test-Signature FOUND"
out=$(VS --no-summary files/ | LC_ALL=C sort)
is "a tree (trailing slash): every detection" "$out" "$ALL"
sum=$(VS files 2>&1); rc=$?
is "a tree: exit 1" "$rc" 1
like "summary: scanned files" "$sum" "Scanned files: 5"
like "summary: infected files" "$sum" "Infected files: 4"
like "summary: no errors" "$sum" "Errors: 0"
like "summary: data" "$sum" "Data scanned: 0\.00 MB"
like "summary: throughput" "$sum" "Throughput: [0-9.]+ MB/s"
like "summary: the daemon's generation" "$sum" \
    "Database serial: $(readlink "$BASE/current" | sed 's/^gen-//')"
std=$($S --db "$BASE" files 2>&1 | sed -n '/SCAN SUMMARY/,$p' | sed 's/:.*//')
dmn=$(printf '%s\n' "$sum" | sed -n '/SCAN SUMMARY/,$p' | sed 's/:.*//')
is "the summary has the words of the standalone one" "$dmn" "$std"

# --- unreadable paths ----------------------------------------------------
chmod 711 "$TMP"
mkdir -p pub/private
printf '%s' "$EICAR" > pub/open.com
printf 'secret\n' > pub/closed.txt
chmod 755 pub; chmod 644 pub/open.com; chmod 600 pub/closed.txt
chmod 700 pub/private
asnobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$S" --socket "$SOCK" --no-summary "$@"
}
err=$(asnobody pub/closed.txt 2>&1 >/dev/null); rc=$?
is "unreadable file: reported, exit 2" "$rc:$err" \
    "2:vigil-scan: pub/closed.txt: Permission denied"
asnobody pub > out.txt 2> err.txt; rc=$?
out=$(LC_ALL=C sort out.txt)
is "unreadable file and directory in a tree: the scan goes on, exit 1" \
    "$rc:$out" "1:pub/open.com: Eicar-Test-Signature FOUND"
is "both are reported" "$(LC_ALL=C sort err.txt)" \
    "vigil-scan: pub/closed.txt: Permission denied
vigil-scan: pub/private: Permission denied"
ln -s nowhere dangling
err=$(VS --no-summary dangling 2>&1); rc=$?
is "a dangling symbolic link named: exit 2" "$rc:$err" \
    "2:vigil-scan: dangling: No such file or directory"

# --- include and exclude lists ------------------------------------------
out=$(VS --no-summary files/sub:other -- -files/sub/deep | LC_ALL=C sort)
is "INCL1:INCL2 -- -EXCL" "$out" \
    "files/sub/inner.zip/eicar.com: Eicar-Test-Signature FOUND
other/eicar3.com: Eicar-Test-Signature FOUND"
out=$(VS --no-summary "$TMP/files" -- -files/skip:files/sub)
is "absolute include, relative excludes (a colon list)" "$out" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
out=$(VS --no-summary files -- -"$TMP/files/sub" -files/skip/eicar2.com)
is "two exclusion operands, a directory and a file" "$out" \
    "files/eicar.com: Eicar-Test-Signature FOUND"
out=$(VS --no-summary --exclude '*.zip' --exclude deep --exclude \
    'files/skip/*' files | LC_ALL=C sort)
is "--exclude: globs on the path and on the name" "$out" \
    "files/eicar.com: Eicar-Test-Signature FOUND"
printf '%s\n' files/clean.txt other/eicar3.com files/sub/inner.zip > list
# (answers come as scans end: the order of the lines may vary)
out=$(VS --no-summary --files-from list | LC_ALL=C sort)
is "--files-from FILE" "$out" \
    "files/sub/inner.zip/eicar.com: Eicar-Test-Signature FOUND
other/eicar3.com: Eicar-Test-Signature FOUND"
out=$(printf 'files/eicar.com\n\nfiles/clean.txt\n' | VS --no-summary --files-from -)
is "--files-from - (standard input)" "$out" \
    "files/eicar.com: Eicar-Test-Signature FOUND"

# --- --max-filesize --------------------------------------------------------
mkdir -p sizes
{ head -c 3000 /dev/zero; printf '%s' "$EICAR"; } > sizes/big.bin
printf '%s' "$EICAR" > sizes/small.com
out=$(VS --max-filesize 1K sizes | LC_ALL=C sort); rc=$?
like "--max-filesize: the big file is not scanned" "$out" \
    "sizes/big.bin: limit: file size NOT SCANNED"
like "--max-filesize: the small one is" "$out" \
    "sizes/small.com: Eicar-Test-Signature FOUND"
like "--max-filesize: counted" "$out" "Not scanned files: 1"
out=$(VS --no-summary --max-filesize 1K sizes/big.bin); rc=$?
is "not scanned alone: exit 0" "$rc" 0

# --- --json ------------------------------------------------------------------
mkdir -p js
printf '%s' "$EICAR" > "js/bad$(printf '\377')name
\"q\".com"
printf 'x' > js/clean.txt
VS --json --max-filesize 2K js files/sub nothing sizes/big.bin > json.out \
    2>/dev/null; rc=$?
is "--json: exit 1" "$rc" 1
$PY -c 'import json,sys; [json.loads(l) for l in sys.stdin]' < json.out
ok "--json: every line parses" test $? -eq 0
cat > rows.py <<'EOF'
import json, sys
rows = [json.loads(l) for l in sys.stdin]
for r in rows[:-1]:
	objs = ";".join(o["path"] + "=" + (",".join(o["names"]) if "names" in o
	    else o["reason"]) for o in r["objects"])
	print(r["status"], repr(r["path"]), repr(objs))
s = rows[-1]["summary"]
print(sorted(s.keys()))
print(s["files"], s["infected"], s["notscanned"], s["errors"], s["objects"])
EOF
out=$($PY rows.py < json.out)
is "--json: the rows and the summary" "$(printf '%s\n' "$out" | LC_ALL=C sort)" \
"$(printf '%s\n' \
"infected 'js/badÿname\\n\"q\".com' 'js/badÿname\\n\"q\".com=Eicar-Test-Signature'" \
"infected 'files/sub/inner.zip' 'files/sub/inner.zip/eicar.com=Eicar-Test-Signature'" \
"infected 'files/sub/deep/inner.tar.gz' 'files/sub/deep/inner.tar.gz/eicar.com=Eicar-Test-Signature'" \
"error 'nothing' 'nothing=No such file or directory'" \
"notscanned 'sizes/big.bin' 'sizes/big.bin=limit: file size'" \
"['bytes', 'deleted', 'errors', 'files', 'infected', 'mbps', 'moved', 'notscanned', 'objects', 'seconds', 'serial', 'signatures']" \
"5 3 1 1 7" | LC_ALL=C sort)"
like "--json: a byte that is not UTF-8 is \\u00XX, a newline \\n" \
    "$(cat json.out)" '"js/bad\\u00ffname\\n\\"q\\"\.com"'

# --- --log, --quiet ------------------------------------------------------
VS --log scan.log files/clean.txt > /dev/null
VS --quiet --log scan.log files/eicar.com files/clean.txt > quiet.out; rc=$?
is "--quiet: only the detection on stdout, exit 1" "$rc:$(cat quiet.out)" \
    "1:files/eicar.com: Eicar-Test-Signature FOUND"
is "--log: appended, a summary per run" "$(grep -c 'SCAN SUMMARY' scan.log)" 2
is "--log: the detection line" "$(grep FOUND scan.log)" \
    "files/eicar.com: Eicar-Test-Signature FOUND"
like "--log: the second summary counts its files" \
    "$(sed -n '/FOUND/,$p' scan.log)" "Scanned files: 2"
VS --quiet --log scan.log nothing 2>/dev/null
is "--log: errors too" "$(grep ERROR scan.log)" \
    "nothing: No such file or directory ERROR"

# --- --action move, delete; symbolic links ----------------------------------
mkdir -p outside
printf '%s' "$EICAR" > outside/target.com
mk_act() {
	rm -rf act toplink.com; mkdir -p act/a act/b
	printf '%s' "$EICAR" > act/a/eicar.com
	printf '%s' "$EICAR" > act/b/eicar.com
	cp files/sub/inner.zip act/b/
	printf 'fine\n' > act/clean.txt
	chmod 644 act/a/eicar.com
	ln -s ../outside/target.com act/link.com
	ln -s outside/target.com toplink.com
}
mk_act
VS --no-summary --action move:"$TMP/q" act > out.txt; rc=$?
out=$(sed -E "s|moved to $TMP/q/eicar\.com(\.1)?\$|moved to Q/eicar.com*|" \
    out.txt | LC_ALL=C sort)
is "--action move: exit 1, each infected file moved" "$rc:$out" \
    "1:act/a/eicar.com: Eicar-Test-Signature FOUND
act/a/eicar.com: moved to Q/eicar.com*
act/b/eicar.com: Eicar-Test-Signature FOUND
act/b/eicar.com: moved to Q/eicar.com*
act/b/inner.zip/eicar.com: Eicar-Test-Signature FOUND
act/b/inner.zip: moved to $TMP/q/inner.zip"
# which of the two eicar.com got ".1" depends on the readdir order
is "--action move: unique names, mode 0600, the originals gone" \
    "$(cd q && stat -c '%n %a' * | LC_ALL=C sort) $(find act -type f | LC_ALL=C sort)" \
    "eicar.com 600
eicar.com.1 600
inner.zip 600 act/clean.txt"
ok "--action move: a symbolic link in the tree is not followed" \
    test -L act/link.com -a -f outside/target.com
out=$(VS --no-summary --action move:"$TMP/q" toplink.com); rc=$?
is "--action move: a named symbolic link is scanned, not moved" "$rc:$out" \
    "1:toplink.com: Eicar-Test-Signature FOUND
toplink.com: not moved: a symbolic link"
ok "--action move: the link and its target stay" \
    test -L toplink.com -a -f outside/target.com
mk_act
SHM=$(mktemp -d /dev/shm/vigil-q.XXXXXX)
out=$(VS --no-summary --action move:"$SHM/q" act/a/eicar.com)
is "--action move to another file system: copied, then unlinked" \
    "$out:$(stat -c %a "$SHM/q/eicar.com"):$(cat "$SHM/q/eicar.com")" \
    "act/a/eicar.com: Eicar-Test-Signature FOUND
act/a/eicar.com: moved to $SHM/q/eicar.com:600:$EICAR"
ok "--action move to another file system: the original is gone" \
    test ! -e act/a/eicar.com
rm -rf "$SHM"
mk_act
VS --json --no-summary --action delete act toplink.com > del.out; rc=$?
is "--action delete: exit 1" "$rc" 1
is "--action delete: infected files deleted, the rest kept" \
    "$(find act | LC_ALL=C sort | tr '\n' ' ')" \
    "act act/a act/b act/clean.txt act/link.com "
ok "--action delete: a named symbolic link and its target stay" \
    test -L toplink.com -a -f outside/target.com
out=$($PY -c '
import json, sys
for l in sys.stdin:
	r = json.loads(l)
	print(r["path"], r.get("action"), r.get("reason", ""))' < del.out |
    LC_ALL=C sort)
is "--action delete: the action of each file in JSON" "$out" \
    "act/a/eicar.com deleted 
act/b/eicar.com deleted 
act/b/inner.zip deleted 
toplink.com failed a symbolic link"
mk_act
is "without --follow-symlinks a link inside a tree is skipped" \
    "$(VS --no-summary act | grep -c link)" 0
is "--follow-symlinks: it is followed" \
    "$(VS --no-summary --follow-symlinks act | grep link)" \
    "act/link.com: Eicar-Test-Signature FOUND"

# --- --one-file-system -------------------------------------------------------
mkdir -p xdev/mnt
printf '%s' "$EICAR" > xdev/here.com
if mount -t tmpfs vigil-test xdev/mnt 2>/dev/null; then
	printf '%s' "$EICAR" > xdev/mnt/there.com
	out1=$(VS --no-summary xdev | LC_ALL=C sort)
	out2=$(VS --no-summary --one-file-system xdev)
	umount xdev/mnt
	is "a mount inside the tree is walked" "$out1" \
	    "xdev/here.com: Eicar-Test-Signature FOUND
xdev/mnt/there.com: Eicar-Test-Signature FOUND"
	is "--one-file-system: not entered" "$out2" \
	    "xdev/here.com: Eicar-Test-Signature FOUND"
else
	skip 2 "cannot mount a tmpfs here"
fi

# --- the daemon: down, fail-over, several requests in flight ----------------
err=$($S --socket "$TMP/none.sock" files/eicar.com 2>&1); rc=$?
is "vigild down: exit 2, said clearly" "$rc:$err" \
    "2:vigil-scan: cannot reach vigild: $TMP/none.sock: No such file or directory"
out=$($S --socket "$TMP/none.sock" --socket "$SOCK" --no-summary files/eicar.com)
is "fail-over to the next daemon_addr" "$out" \
    "files/eicar.com: Eicar-Test-Signature FOUND"
printf '[scan]\ndaemon_addr = %s, %s\n' "$TMP/none.sock" "$SOCK" > fo.cfg
out=$($S -c fo.cfg --no-summary files/eicar.com)
is "fail-over along [scan] daemon_addr" "$out" \
    "files/eicar.com: Eicar-Test-Signature FOUND"

mkdir -p many
for i in $(seq 8); do printf 'file %s\n' "$i" > many/f$i; done
old=$(workers)
# shellcheck disable=SC2086
kill -STOP $old
VS --max-in-flight 5 --stats many > many.out 2> many.err &
spid=$!
n=0
for i in $(seq 100); do
	n=$($BIN/vigilctl -s "$SOCK" stats | grep -c '^task: native-fd')
	[ "$n" -ge 5 ] && break
	sleep 0.05
done
is "vigild holds 5 requests of one vigil-scan at once" "$n" 5
# shellcheck disable=SC2086
kill -CONT $old
wait $spid; rc=$?
is "and all are answered: exit 0" "$rc:$(grep -c 'Scanned files: 8' many.out)" "0:1"
like "--stats: 5 in flight at the peak" "$(cat many.err)" \
    "in_flight=5 peak=5 connections=1"
unlike=$(grep -c 'MB/s, ' many.err)
is "no progress line when stderr is not a terminal" "$unlike" 0
out=$(VS --stats --no-summary many 2>&1)
like "max_in_flight 0: twice the daemon's workers" "$out" \
    "in_flight=4 peak=4 connections=1"
out=$(VS --stats --no-summary --max-in-flight 40 many 2>&1)
like "more than 32 in flight: two connections" "$out" \
    "in_flight=40 peak=8 connections=2"

# a terminal: the progress line, then cleared (script(1) gives a pty)
if command -v script >/dev/null; then
	# shellcheck disable=SC2086
	kill -STOP $old
	script -qec "$S -c $TMP/vigil.cfg --no-summary many" /dev/null \
	    > tty.out &
	spid=$!
	for i in $(seq 100); do
		[ "$($BIN/vigilctl -s "$SOCK" stats |
		    grep -c '^task: native-fd')" -ge 4 ] && break
		sleep 0.05
	done
	sleep 0.6	# two ticks of the progress line
	# shellcheck disable=SC2086
	kill -CONT $old
	wait $spid
	like "a terminal shows progress (files, bytes, rate, infected)" \
	    "$(tr '\r' '\n' < tty.out)" \
	    "^0 files, 0\.0 MB, 0\.0 MB/s, 0 infected"
	like "and clears it at the end" "$(cat tty.out)" $'\r +\r$'
else
	skip 2 "no script(1)"
fi

is "the daemon is still there" "$($BIN/vigilctl -s "$SOCK" ping)" PONG
is "the standalone mode still works" \
    "$($S --db "$BASE" --no-summary files/eicar.com)" \
    "files/eicar.com: Eicar-Test-Signature FOUND"

# --- vigild dies in the middle of a scan -------------------------------------
old=$(workers)
# shellcheck disable=SC2086
kill -STOP $old
VS --max-in-flight 5 many > dead.out 2> dead.err &
spid=$!
for i in $(seq 100); do
	[ "$($BIN/vigilctl -s "$SOCK" stats | grep -c '^task: native-fd')" -ge 5 ] &&
	    break
	sleep 0.05
done
# shellcheck disable=SC2086
{ kill -KILL $VPID $old; wait $VPID; } 2>/dev/null
wait $spid; rc=$?
is "vigild killed mid-scan: exit 2" "$rc" 2
like "the files in flight are errors" "$(cat dead.err)" \
    "vigil-scan: many/f[0-9]: vigild: receive: Connection reset by peer"
like "reconnecting fails, said clearly" "$(cat dead.err)" \
    "lost vigild \(receive: Connection reset by peer\), and $SOCK: Connection refused"
like "and the scan stops" "$(tail -1 dead.err)" \
    "vigil-scan: vigild is unreachable; the scan stopped"
is "the summary counts 5 files and the stop as errors" \
    "$(grep -E '^(Scanned files|Errors):' dead.out | tr '\n' ' ')" \
    "Scanned files: 0 Errors: 6 "
