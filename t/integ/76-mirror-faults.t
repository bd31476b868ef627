#!/usr/bin/env bash
# 76-mirror-faults.t - the update tier under faults: a full disk and
# SIGKILL at every step of vigil-publish, vigil-mirror and
# vigil-compile --from-mirror, with a vigild scanning all along
#
# A publisher tree A is served by a private nginx on loopback; the gateway
# mirrors it into MDIR and installs generations from MDIR into BASE, where
# a vigild runs (main holds Vigil's default signatures, EICAR among them).
#
# Disk full: MDIR and BASE are small tmpfs mounts (skipped, with the
# reason, where mount(8) is not permitted); filled up with a filler file,
# vigil-mirror and vigil-compile fail with 74 and say why, the previous
# mirror and generation stay as they were, vigild keeps scanning with the
# old generation, and once the filler is gone the next run repairs.
#
# SIGKILL: every program runs under strace with fault injection, killed at
# the N-th rename/fsync/link/symlink call (each call kind on its own, N =
# 1, 2, ... until the program completes); after each kill the old state
# is intact (byte for byte), nothing half-written is live, vigild still
# finds EICAR, and a plain rerun repairs everything.
. "$(dirname "$0")/tap.sh"
[ -n "${TMP:-}" ] && [ -d "$TMP" ] || exit 1
PY=/usr/bin/python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || skip_all "nginx is not installed (scripts/deps)"
command -v strace >/dev/null || skip_all "strace is not installed (scripts/deps)"
[ -x "$BIN/vigil-publish" ] && [ -x "$BIN/vigil-mirror" ] ||
    skip_all "vigil-publish and vigil-mirror are not built"
"$BIN/vigil-compile" --help 2>&1 | grep -q -- --from-mirror ||
    skip_all "this vigil-compile has no --from-mirror"
# ptrace must work here (strace -e inject)
strace -f -qq -o /dev/null true 2>/dev/null ||
    skip_all "strace cannot trace here (ptrace not permitted)"
plan 23

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY
export HOME=$TMP
# LeakSanitizer cannot run under ptrace: off for the traced runs only
NOLEAK=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
C=$BIN/vigil-compile
P=$BIN/vigil-publish
M=$BIN/vigil-mirror
CTL=$BIN/vigilctl
cd "$TMP"
mkdir -p www/a logs ngtmp src files mdir base
chmod 755 "$TMP" www www/a files
MDIR=$TMP/mdir
BASE=$TMP/base
SOCK=$TMP/vigild.sock
UV=www/a/vigil_upd/update.ver
freeport() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
listening() {
	$PY -c "import socket; socket.create_connection(('127.0.0.1', $1))" 2>/dev/null
}
PORT=$(freeport)
U=http://127.0.0.1:$PORT/a/vigil_upd
NGUSER=""
[ "$(id -u)" -eq 0 ] && NGUSER="user root;"
cat > nginx.conf <<EOF
$NGUSER
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 64; }
http {
	access_log $TMP/logs/access.log;
	client_body_temp_path $TMP/ngtmp;
	proxy_temp_path $TMP/ngtmp;
	fastcgi_temp_path $TMP/ngtmp;
	uwsgi_temp_path $TMP/ngtmp;
	scgi_temp_path $TMP/ngtmp;
	types { }
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$PORT;
		root $TMP/www;
	}
}
EOF
MOUNTED=""
cleanup() {
	[ -e "$TMP/stop" ] || touch "$TMP/stop"
	[ -n "${HPID:-}" ] && kill "$HPID" 2>/dev/null
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null
	[ -s "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
	wait 2>/dev/null
	for d in $MOUNTED; do
		umount "$d" 2>/dev/null || umount -l "$d"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
"$NGINX" -c "$TMP/nginx.conf" -e "$TMP/logs/error.log" ||
    { diag "$(cat logs/error.log)"; exit 1; }
for i in $(seq 100); do
	listening $PORT && break
	sleep 0.1
done

# MDIR and BASE on tmpfs when we may mount: 1 MiB each
TMPFS=""
if mount -t tmpfs -o size=1m,mode=755 vigil-mdir "$MDIR" 2>mount.err; then
	MOUNTED="$MDIR"
	if mount -t tmpfs -o size=1m,mode=755 vigil-base "$BASE" 2>>mount.err; then
		MOUNTED="$MDIR $BASE"
		TMPFS=1
	fi
fi

sha() { sha256sum "$1" | cut -c1-64; }
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
cur() { readlink "$BASE/current"; }
gen() { $CTL -s "$SOCK" status | sed -n 's/^generation: //p'; }
scan() { $CTL -s "$SOCK" scan "$TMP/files/$1" 2>&1; }
eicar_ok() { [ "$(scan eicar.com)" = "$TMP/files/eicar.com: Eicar-Test-Signature FOUND" ]; }
# listed DIR: "FILE SIZE SHA" for every module update.ver lists
listed() { awk '$1 == "module" { print $6, $4, $5 }' "$1/update.ver"; }
# complete DIR: update.ver is there and every module it lists is whole
complete() {
	local f n s

	[ -s "$1/update.ver" ] || return 1
	while read -r f n s; do
		[ -f "$1/$f" ] && [ "$(stat -c %s "$1/$f")" = "$n" ] &&
		    [ "$(sha "$1/$f")" = "$s" ] || return 1
	done < <(listed "$1")
}
# same_as OLD DIR: the files OLD's update.ver lists, and it, unchanged in DIR
same_as() {
	local f n s

	while read -r f n s; do
		cmp -s "$1/$f" "$2/$f" || return 1
	done < <(listed "$1")
}
# signed DIR: update.ver's signature and every module check out
signed() {
	rm -rf "$TMP/scratch"
	$C -q --from-mirror "$1" --public-key k.pub --install "$TMP/scratch" \
	    --no-reload >/dev/null 2>&1
	local rc=$?
	rm -rf "$TMP/scratch"
	return $rc
}
# gen_matches GENDIR MIRROR: the generation holds exactly MIRROR's modules
gen_matches() {
	local want got

	want=$(awk '$1 == "module" { print $2 ".vmod", $5 }' "$2/update.ver" | sort)
	got=$(cd "$1" && for f in *.vmod; do echo "$f $(sha "$f")"; done | sort)
	[ -n "$want" ] && [ "$want" = "$got" ]
}
tmpleft() { ls -A "$1" | grep -c '\.tmp\.'; }

# --- the publisher, the gateway's mirror and generation, vigild --------------
$P -q --keygen k || exit 1
printf 'Test.Daily.One:0:*:%s\n' "$(hexof VIGIL-DAILY-ONE)" > src/daily.ndb
pub() { $P -q --key k.sec -o www/a/vigil_upd "main=$VIGIL_TOP/signatures/default" src/daily.ndb; }
pub || exit 1
$M -q --public-key k.pub "$U" "$MDIR" || exit 1
$C -q --from-mirror "$MDIR" --public-key k.pub --install "$BASE" --no-reload || exit 1
S1=$(sed -n 's/^serial //p' $UV)
printf '%s' "$EICAR" > files/eicar.com
{ printf 'text '; printf 'VIGIL-DAILY-BIG'; printf ' text\n'; } > files/big.txt
{ printf 'text '; printf 'VIGIL-DAILY-THREE'; printf ' text\n'; } > files/three.txt
chmod 644 files/*
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
log_level = 5
[daemon]
socket = $SOCK
num_workers = 2
scan_timeout = 5s
user = nobody
reload_check_interval = 0
EOF
$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
for i in $(seq 100); do
	$CTL -s "$SOCK" ping >/dev/null 2>&1 && break
	sleep 0.1
done
is "vigild runs the mirror's generation and finds EICAR" "$(gen):$(scan eicar.com)" \
    "$S1:$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
# scans all along: none may fail
( while [ ! -e stop ]; do
	scan eicar.com
	sleep 0.05
done > scans.log ) &
HPID=$!

# --- disk full -------------------------------------------------------------------
# a daily module of about 200 KB, larger than what is left on the disks
$PY -c '
import random
r = random.Random(76)
print("Test.Daily.Big:0:*:%s" % "VIGIL-DAILY-BIG".encode().hex())
for i in range(1000):
	print("Test.Filler.%d:0:*:%s" % (i, "".join("%02x" % r.randrange(256) for _ in range(24))))
' > src/daily.ndb
pub || exit 1
S2=$(sed -n 's/^serial //p' $UV)
DSIZE=$(awk '$1 == "module" && $2 == "daily" { print $4 }' $UV)
# fill DIR so that LEFT bytes stay free
fill() {
	local avail

	avail=$(df -B1 --output=avail "$1" | tail -1)
	dd if=/dev/zero of="$1/filler" bs=4096 count=$(((avail - $2) / 4096)) \
	    2>/dev/null
	[ "$(df -B1 --output=avail "$1" | tail -1)" -le "$2" ]
}
if [ -z "$TMPFS" ]; then
	skip 11 "cannot mount a tmpfs here: $(head -1 mount.err)"
else
	cp -a "$MDIR" mdir.old
	gold=$(cur)
	fill "$MDIR" 65536 || diag "the filler did not fill $MDIR"
	out=$($M --public-key k.pub --retries 0 "$U" "$MDIR" 2>&1); rc=$?
	like "mirror dir full: vigil-mirror fails with 74, and says why" "$rc:$out" \
	    "^74:vigil-mirror: $U/daily-$S2\.vmod: writing: No space left on device$"
	ok "... the previous mirror intact, no temporary file left" \
	    eval 'same_as mdir.old "$MDIR" && [ "$(tmpleft "$MDIR")" = 0 ] && cmp -s mdir.old/update.ver "$MDIR/update.ver"'
	# room for the module, not for update.ver
	rm "$MDIR/filler"
	fill "$MDIR" $(((DSIZE + 4095) / 4096 * 4096)) || diag "the filler did not fill $MDIR"
	out=$($M --public-key k.pub --retries 0 "$U" "$MDIR" 2>&1); rc=$?
	like "room for the module only: update.ver cannot be written (74)" "$rc:$out" \
	    "^74:vigil-mirror: $MDIR/update\.ver: No space left on device$"
	ok "... the previous update.ver and its modules intact" \
	    eval 'same_as mdir.old "$MDIR" && cmp -s mdir.old/update.ver "$MDIR/update.ver" && [ "$(tmpleft "$MDIR")" = 0 ]'
	rm "$MDIR/filler"
	out=$($M --public-key k.pub --retries 0 "$U" "$MDIR" 2>&1); rc=$?
	is "space freed: the next run repairs" "$rc:$(cmp "$UV" "$MDIR/update.ver" && complete "$MDIR" && echo same)" \
	    "0:same"
	fill "$BASE" 65536 || diag "the filler did not fill $BASE"
	out=$($C --from-mirror "$MDIR" --public-key k.pub --install "$BASE" --socket "$SOCK" 2>&1); rc=$?
	like "base dir full: vigil-compile fails with 74, and says why" "$rc:$out" \
	    "^74:vigil-compile: install into $BASE: No space left on device$"
	is "... current unchanged, nothing left behind" "$(cur):$(ls -A "$BASE" | grep -v '^filler$' | tr '\n' ' ')" \
	    "$gold:current $gold "
	ok "... the installed generation intact" gen_matches "$BASE/$gold" mdir.old
	is "... vigild scans with the old one" "$(gen):$(scan eicar.com):$(scan big.txt)" \
	    "$S1:$TMP/files/eicar.com: Eicar-Test-Signature FOUND:$TMP/files/big.txt: OK"
	rm "$BASE/filler"
	out=$($C --from-mirror "$MDIR" --public-key k.pub --install "$BASE" --socket "$SOCK" 2>&1); rc=$?
	is "space freed: the next run installs and reloads" "$rc:$(echo "$out" | tr '\n' ';' | sed 's/;$//')" \
	    "0:installed $BASE/gen-$S2 from mirror serial $S2: 2 modules, 1 new;vigild reloaded: generation $S1 -> $S2" 
	is "... and vigild finds the new signature" "$(scan big.txt)" \
	    "$TMP/files/big.txt: Test.Daily.Big FOUND"
	rm -rf mdir.old
fi
if [ -z "$TMPFS" ]; then
	# the same state as after the disk-full tests
	$M -q --public-key k.pub "$U" "$MDIR" || exit 1
	$C -q --from-mirror "$MDIR" --public-key k.pub --install "$BASE" --socket "$SOCK" || exit 1
fi

# --- SIGKILL at every step -----------------------------------------------------------
# killrun NAME CMD...: for each kind of call CMD makes (a traced run
# counts them), N = 1, 2, ... until CMD completes: restore_NAME, run CMD
# killed at the N-th call of that kind, then check_NAME (prints what is
# wrong: "intact", "live" or "scan" failures), rerun CMD plainly and
# repaired_NAME.  Sets KILLS ("fsync*6 rename*2": kills per kind),
# WANT (the calls of the traced run, the same format) and BAD (failures).
KSET=rename,renameat,renameat2,fsync,fdatasync,link,linkat,symlink,symlinkat
killrun() {
	local name=$1 sc n rc k why
	shift
	"restore_$name"
	ASAN_OPTIONS=$NOLEAK strace -f -qq -o "$TMP/k.tr" -e trace=$KSET "$@" \
	    >/dev/null 2>&1 ||
	    BAD="$BAD traced run failed;"
	WANT=$(sed -n 's/^[0-9]* *\([a-z0-9]*\)(.*/\1/p' "$TMP/k.tr" | sort | uniq -c |
	    awk '{ printf "%s%s*%s", (NR > 1 ? " " : ""), $2, $1 }')
	KILLS=""
	for sc in $(sed -n 's/^[0-9]* *\([a-z0-9]*\)(.*/\1/p' "$TMP/k.tr" | sort -u); do
		k=0
		for ((n = 1; n <= 60; n++)); do
			"restore_$name"
			# (quiet: bash reports a child killed)
			{ rc=$(ASAN_OPTIONS=$NOLEAK strace -f -qq -o /dev/null -e trace=$sc \
			    -e inject=$sc:signal=SIGKILL:when=$n "$@" \
			    >/dev/null 2>&1; echo $?); } 2>/dev/null
			if [ $rc -ne 137 ]; then
				[ $rc -eq 0 ] || BAD="$BAD $sc#$n: exit $rc;"
				break
			fi
			k=$n
			why=$("check_$name")
			[ -z "$why" ] || BAD="$BAD $sc#$n:$why;"
			eicar_ok || BAD="$BAD $sc#$n: scan;"
			"$@" >/dev/null 2>"$TMP/rerun.err" ||
			    BAD="$BAD $sc#$n: rerun: $(tr '\n' ' ' < "$TMP/rerun.err");"
			why=$("repaired_$name")
			[ -z "$why" ] || BAD="$BAD $sc#$n: rerun:$why;"
		done
		KILLS="$KILLS${KILLS:+ }$sc*$k"
	done
}
# killtests NAME WHAT: the four results of a killrun
killtests() {
	is "$1: killed at every step (N = 1, 2, ... per call kind)" "$KILLS" "$WANT"
	is "$1: after each kill $2; a plain rerun repairs" "$BAD" ""
	diag "$1: killed at $KILLS"
}

# vigil-publish: a new daily, main unchanged
printf 'Test.Daily.Three:0:*:%s\n' "$(hexof VIGIL-DAILY-THREE)" > src/daily.ndb
cp -a www/a/vigil_upd pub.old
oldmain=$(grep '^module main ' pub.old/update.ver)
olddaily=$(grep '^module daily ' pub.old/update.ver)
restore_pub() {
	rm -rf www/a/vigil_upd && cp -a pub.old www/a/vigil_upd
}
check_pub() {
	same_as pub.old www/a/vigil_upd || echo -n " intact"
	complete www/a/vigil_upd && signed www/a/vigil_upd || echo -n " live"
}
repaired_pub() {
	complete www/a/vigil_upd && signed www/a/vigil_upd || echo -n " live"
	[ "$(grep '^module main ' $UV)" = "$oldmain" ] || echo -n " main"
	[ "$(grep '^module daily ' $UV)" != "$olddaily" ] || echo -n " daily"
	[ "$(tmpleft www/a/vigil_upd)" = 0 ] || echo -n " tmp"
}
BAD=""
killrun pub "$P" -q --key k.sec -o www/a/vigil_upd "main=$VIGIL_TOP/signatures/default" src/daily.ndb
killtests vigil-publish "the old tree intact, every module the live update.ver lists whole"
like "vigil-publish: it renames each file into place, fsyncs" "$WANT" "fsync\*[0-9]+ rename\*2$"

# vigil-mirror: A has the new daily; the gateway's mirror has the old one
pub || exit 1
cp -a "$MDIR" mdir.old
restore_mir() {
	rm -rf "${MDIR:?}"/* "$MDIR"/.[!.]* && cp -a mdir.old/. "$MDIR"/
}
check_mir() {
	same_as mdir.old "$MDIR" || echo -n " intact"
	cmp -s mdir.old/update.ver "$MDIR/update.ver" ||
	    cmp -s "$UV" "$MDIR/update.ver" || echo -n " index"
	complete "$MDIR" || echo -n " live"
}
repaired_mir() {
	cmp -s "$UV" "$MDIR/update.ver" && complete "$MDIR" || echo -n " live"
	[ "$(tmpleft "$MDIR")" = 0 ] || echo -n " tmp"
}
BAD=""
killrun mir "$M" -q --public-key k.pub --retries 0 "$U" "$MDIR"
killtests vigil-mirror "the old mirror intact, update.ver old or new and whole"
like "vigil-mirror: it renames each file into place, fsyncs" "$WANT" "fsync\*[0-9]+ rename\*3$"
rm -rf mdir.old

# vigil-compile --from-mirror: MDIR has the new daily, BASE the old one
gold=$(cur)
sold=${gold#gen-}
ls -A "$BASE" > base.old
(cd "$BASE/$gold" && sha256sum *.vmod) > gen.old
restore_cmp() {
	local f

	for f in $(ls -A "$BASE"); do
		grep -qx -- "$f" base.old || rm -rf "${BASE:?}/$f"
	done
	if [ "$(cur)" != "$gold" ]; then
		ln -s "$gold" "$BASE/.cur.new" && mv -T "$BASE/.cur.new" "$BASE/current"
	fi
	[ "$(gen)" = "$sold" ] || $CTL -s "$SOCK" reload >/dev/null
}
check_cmp() {
	(cd "$BASE/$gold" && sha256sum -c --quiet "$TMP/gen.old" >/dev/null 2>&1) ||
	    echo -n " intact"
	[ "$(cur)" = "$gold" ] || gen_matches "$BASE/$(cur)" "$MDIR" ||
	    echo -n " current"
	[ "$(gen)" = "$sold" ] || echo -n " vigild"
}
repaired_cmp() {
	gen_matches "$BASE/$(cur)" "$MDIR" || echo -n " current"
	# killed between the generation and the flip: that one becomes current
	[ "$(cur)" = "gen-$(sed -n 's/^serial //p' "$MDIR/update.ver")" ] ||
	    echo -n " serial"
	[ "$(gen)" = "$(cur | sed 's/^gen-//')" ] || echo -n " vigild"
	[ "$(scan three.txt)" = "$TMP/files/three.txt: Test.Daily.Three FOUND" ] ||
	    echo -n " scan"
	[ "$(tmpleft "$BASE")" = 0 ] || echo -n " tmp"
}
BAD=""
killrun cmp "$C" -q --from-mirror "$MDIR" --public-key k.pub --install "$BASE" --socket "$SOCK"
killtests "vigil-compile --from-mirror" "the old generation intact, current old or whole, vigild on the old one"
like "vigil-compile: a file, a link, a directory, the current symlink" "$WANT" \
    "^fsync\*[0-9]+ linkat\*1 rename\*2 symlink\*1$"

touch stop
wait $HPID; HPID=
is "every scan all along answered EICAR" "$(sort -u scans.log)" \
    "$TMP/files/eicar.com: Eicar-Test-Signature FOUND"
like "... and there were scans" "$(wc -l < scans.log)" "^ *[1-9][0-9]+$"
