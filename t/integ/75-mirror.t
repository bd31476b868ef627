#!/usr/bin/env bash
# 75-mirror.t - the update tier: vigil-publish, vigil-mirror through a real
# nginx, vigil-compile --from-mirror and vigil-update with a running vigild
#
# A publisher tree A is served by a private nginx on a free loopback port
# (its own nginx.conf in TMP; no system file is touched); B1 mirrors A into
# a directory the same nginx serves behind auth_basic; C1 mirrors B1 with
# an auth file.  Then: conditional requests and only-changed downloads
# (nginx's access log), tampered update.ver and modules, a wrong key,
# 404/500/truncated answers, an older serial, auth files and ~/.netrc, an
# HTTP proxy with its own credentials (a small Python proxy), the exit
# statuses of vigil-compile --from-mirror, a vigild that reloads and finds
# the new signature with no failed scan, and vigil-update with its lock.
. "$(dirname "$0")/tap.sh"
[ -n "${TMP:-}" ] && [ -d "$TMP" ] || exit 1
PY=/usr/bin/python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || skip_all "nginx is not installed (scripts/deps)"
[ -x "$BIN/vigil-publish" ] && [ -x "$BIN/vigil-mirror" ] ||
    skip_all "vigil-publish and vigil-mirror are not built"
"$BIN/vigil-compile" --help 2>&1 | grep -q -- --from-mirror ||
    skip_all "this vigil-compile has no --from-mirror (GNUmakefile: LIBS_vigil-compile = -lsodium)"
command -v openssl >/dev/null || skip_all "openssl is not installed"
command -v flock >/dev/null || skip_all "flock is not installed"
plan 78

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
    no_proxy NO_PROXY
export HOME=$TMP		# a ~/.netrc of our own
export PATH=$BIN:$PATH		# vigil-update finds the programs
C=$BIN/vigil-compile
P=$BIN/vigil-publish
M=$BIN/vigil-mirror
VU=$VIGIL_TOP/scripts/vigil-update
CTL=$BIN/vigilctl
cd "$TMP"
mkdir -p www/a www/b1 logs ngtmp src
freeport() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(freeport)
U=http://127.0.0.1:$PORT
ACC=$TMP/logs/access.log
NGUSER=""
[ "$(id -u)" -eq 0 ] && NGUSER="user root;"
printf 'gw:%s\n' "$(openssl passwd -apr1 s3cret)" > htpasswd
cat > nginx.conf <<EOF
$NGUSER
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 64; }
http {
	access_log $ACC;
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
		location /b1/ {
			auth_basic "vigil mirror";
			auth_basic_user_file $TMP/htpasswd;
		}
		location /err/ { return 500; }
	}
}
EOF
cleanup() {
	[ -s "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
	[ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null
	[ -n "${XPID:-}" ] && kill "$XPID" 2>/dev/null
	[ -n "${HPID:-}" ] && kill "$HPID" 2>/dev/null
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
"$NGINX" -c "$TMP/nginx.conf" -e "$TMP/logs/error.log" ||
    { diag "$(cat logs/error.log)"; exit 1; }
listening() {
	$PY -c "import socket; socket.create_connection(('127.0.0.1', $1))" 2>/dev/null
}
for i in $(seq 100); do
	listening $PORT && break
	sleep 0.1
done
: > "$ACC"

# lines of the access log since mark N: "STATUS PATH" each
mark() { wc -l < "$ACC"; }
since() { tail -n +$(($1 + 1)) "$ACC" | awk '{ print $9, $7 }'; }
flat() { tr '\n' ';'; }
sha() { sha256sum "$1" | cut -c1-64; }

# --- keys and publishing -------------------------------------------------------
printf '[global]\nno_such_key = 1\n' > badpub.cfg
out=$($P -c badpub.cfg --keygen kx 2>&1); rc=$?
is "vigil-publish -c: a bad configuration is 78, with file:line" \
    "$rc:$out:$(ls kx.* 2>/dev/null)" \
    "78:vigil-publish: badpub.cfg:2: unknown key \"no_such_key\":"
out=$($P --keygen k 2>&1); rc=$?
is "keygen" "$rc:$(stat -c %a k.sec):$(stat -c %a k.pub)" "0:600:644"
like "keygen: the files" "$(head -c 21 k.pub):$(head -c 21 k.sec)" \
    "^vigil-ed25519-public :vigil-ed25519-secret $"
out=$($P --keygen k 2>&1); rc=$?
like "keygen never overwrites (73)" "$rc:$out" "^73:.*exists: not overwritten"
$P -q --keygen other || exit 1
printf 'Test.Main:0:*:%s\n' "$(printf 'VIGIL-MAIN-TEST' | od -An -tx1 | tr -d ' \n')" > src/main.ndb
DAILY1=$(printf 'VIGIL-DAILY-ONE' | od -An -tx1 | tr -d ' \n')
DAILY2=$(printf 'VIGIL-DAILY-TWO' | od -An -tx1 | tr -d ' \n')
printf 'Test.Daily.One:0:*:%s\n' "$DAILY1" > src/daily.ndb
out=$($P --key k.sec -o www/a/vigil_upd src/main.ndb src/daily.ndb 2>&1); rc=$?
like "publish: two modules by file name" "$rc:$(echo "$out" | flat)" \
    "^0:main +version [0-9]+, [0-9]+ bytes, main-[0-9]+\.vmod \(compiled\);daily +version [0-9]+, [0-9]+ bytes, daily-[0-9]+\.vmod \(compiled\);update\.ver: serial [0-9]+, 2 modules, signed by key [0-9a-f]{16};$"
UV=www/a/vigil_upd/update.ver
like "update.ver: the format" "$(cut -d' ' -f1-2 $UV | flat)" \
    "^VIGIL-UPDATE 1;serial [0-9]+;created [0-9]+;module main;module daily;sign ed25519;$"
S1=$(sed -n 's/^serial //p' $UV)
main1=$(grep '^module main ' $UV)
out=$($P --key k.sec -o www/a/vigil_upd src/main.ndb src/daily.ndb 2>&1)
like "publish again, nothing changed: update.ver kept" "$(echo "$out" | tail -1):$(sed -n 's/^serial //p' $UV)" \
    "nothing changed: kept\):$S1$"
chmod 644 k.sec
out=$($P --key k.sec -o www/x src/main.ndb 2>&1); rc=$?
like "a secret key open to others is refused (77)" "$rc:$out" "^77:.*k\.sec: mode 0644"
chmod 600 k.sec
out=$($P -q --key k.sec -o www/x 'bad name=src/main.ndb' 2>&1); rc=$?
like "a bad module name (64)" "$rc:$out" "^64:.*not a valid module name"

# --- A -> B1 -> C1 ------------------------------------------------------------
m0=$(mark)
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
is "B1 mirrors A" "$rc:$out" "0:serial $S1: 2 of 2 modules downloaded, $(($(stat -c %s $UV) + $(awk '/^module / { n += $4 } END { print n }' $UV))) bytes"
is "B1 is A, file for file" "$(cd www/a/vigil_upd && sha256sum update.ver *.vmod)" \
    "$(cd www/b1/vigil_upd && sha256sum update.ver *.vmod)"
is "B1's update.ver keeps A's time" "$(stat -c %Y www/b1/vigil_upd/update.ver)" \
    "$(stat -c %Y $UV)"
is "update.ver first, then the modules" "$(since $m0 | flat)" \
    "200 /a/vigil_upd/update.ver;200 /a/vigil_upd/$(grep '^module main' $UV | cut -d' ' -f6);200 /a/vigil_upd/$(grep '^module daily' $UV | cut -d' ' -f6);"
m0=$(mark)
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
is "a second run: not modified" "$rc:$out" "0:serial $S1: up to date (not modified), 0 bytes"
is "a second run asks for update.ver only (304)" "$(since $m0 | flat)" \
    "304 /a/vigil_upd/update.ver;"
printf 'username=gw\npassword=s3cret\n' > auth
chmod 600 auth
out=$($M --public-key k.pub --auth-file auth $U/b1/vigil_upd c1 2>&1); rc=$?
like "C1 mirrors B1 (auth_basic, auth file)" "$rc:$out" "^0:serial $S1: 2 of 2 modules"
is "C1 is A" "$(cd c1 && sha256sum update.ver *.vmod)" \
    "$(cd www/a/vigil_upd && sha256sum update.ver *.vmod)"
out=$($M --public-key k.pub $U/b1/vigil_upd c1x 2>&1); rc=$?
like "no credentials: 401 (14)" "$rc:$out" "^14:.*HTTP status 401"
printf 'username=gw\npassword=wrong\n' > badauth
chmod 600 badauth
out=$($M --public-key k.pub --auth-file badauth $U/b1/vigil_upd c1x 2>&1); rc=$?
like "a wrong password: 401 (14)" "$rc:$out" "^14:.*HTTP status 401"
chmod 644 auth
out=$($M --public-key k.pub --auth-file auth $U/b1/vigil_upd c1x 2>&1); rc=$?
like "an auth file of mode 0644 is refused (77)" "$rc:$out" \
    "^77:vigil-mirror: auth: mode 0644: refused, an auth file holds a password and must be mode 0600 or stricter"
is "... before any request" "$(grep -c c1x "$ACC")" "0"
chmod 600 auth
printf 'username=gw\nusername=x\n' > twice; chmod 600 twice
out=$($M --public-key k.pub --auth-file twice $U/b1/vigil_upd c1x 2>&1); rc=$?
like "an auth file with a key twice (78)" "$rc:$out" "^78:.*twice:2: "
out=$($M --public-key k.pub --user gw --password s3cret $U/b1/vigil_upd c1u 2>&1); rc=$?
like "--user/--password work, with a warning about ps" "$rc:$(echo "$out" | flat)" \
    "^0:vigil-mirror: warning: --password is visible to every user in ps\(1\); prefer --auth-file;serial $S1: 2 of 2"
printf 'machine 127.0.0.1 login gw password s3cret\n' > .netrc
chmod 600 .netrc
out=$($M --public-key k.pub $U/b1/vigil_upd c1n 2>&1); rc=$?
like "credentials from ~/.netrc" "$rc:$out" "^0:serial $S1: 2 of 2"
rm .netrc

# --- only what changed ----------------------------------------------------------
printf 'Test.Daily.Two:0:*:%s\n' "$DAILY2" >> src/daily.ndb
out=$($P --key k.sec -o www/a/vigil_upd src/main.ndb src/daily.ndb 2>&1)
like "republish: main unchanged, daily compiled" "$(echo "$out" | flat)" \
    "^main .*\(unchanged\);daily .*\(compiled\);"
S2=$(sed -n 's/^serial //p' $UV)
is "main keeps its version and file" "$(grep '^module main ' $UV)" "$main1"
m0=$(mark)
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "B1: one of two modules downloaded" "$rc:$out" "^0:serial $S2: 1 of 2 modules downloaded"
is "B1 fetched update.ver and the new daily only" "$(since $m0 | flat)" \
    "200 /a/vigil_upd/update.ver;200 /a/vigil_upd/$(grep '^module daily' $UV | cut -d' ' -f6);"
is "B1 keeps the previous daily one round, for its own subordinates" \
    "$(ls www/b1/vigil_upd | grep -c '^daily-')" "2"

# --- tampering and broken servers: B1 stays as it was -----------------------------
cp www/b1/vigil_upd/update.ver b1.before
snap() { (cd www/b1/vigil_upd && sha256sum update.ver *.vmod); }
b1snap=$(snap)
cp -p $UV uv.good
sed -i "s/^created \([0-9]*\)/created 1\1/" $UV
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a modified update.ver is refused (11)" "$rc:$out" "^11:.*bad signature \(altered after signing\): refused"
is "... and B1 is intact" "$(snap)" "$b1snap"
cp -p uv.good $UV
out=$($M --public-key other.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "another key: refused (11)" "$rc:$out" "^11:.*signed by another key"
out=$($M --public-key k.pub $U/nothing/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "no update.ver on the server: 404 (10)" "$rc:$out" "^10:.*HTTP status 404"
m0=$(mark)
out=$($M --public-key k.pub --retries 2 --retry-delay 0 $U/err/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a server error: retried, then 14" "$rc:$out" "^14:.*HTTP status 500"
is "... three attempts" "$(since $m0 | flat)" \
    "500 /err/vigil_upd/update.ver;500 /err/vigil_upd/update.ver;500 /err/vigil_upd/update.ver;"
out=$($M --public-key k.pub --retries 0 --connect-timeout 2 http://127.0.0.1:$(freeport)/v www/b1/vigil_upd 2>&1); rc=$?
like "nobody listening: 14" "$rc:$out" "^14:"
is "... B1 still intact" "$(snap)" "$b1snap"
# a module altered on the server after signing
printf 'Test.Daily.Three:0:*:%s\n' "$DAILY1" >> src/daily.ndb
$P -q --key k.sec -o www/a/vigil_upd src/main.ndb src/daily.ndb || exit 1
S3=$(sed -n 's/^serial //p' $UV)
D3=www/a/vigil_upd/$(grep '^module daily' $UV | cut -d' ' -f6)
cp "$D3" d3.good
printf 'X' | dd of="$D3" bs=1 seek=200 conv=notrunc 2>/dev/null
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a module with a wrong SHA-256 is refused (12)" "$rc:$out" "^12:.*SHA-256 differs from update.ver: refused"
is "... B1 intact, no temporary file left" "$(snap):$(ls -A www/b1/vigil_upd | grep -c tmp)" "$b1snap:0"
head -c 1000 d3.good > "$D3"
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a truncated module is refused (12)" "$rc:$out" "^12:.*1000 bytes, update\.ver lists [0-9]+: refused"
{ cat d3.good; echo more; } > "$D3"
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a module longer than listed is refused (12)" "$rc:$out" "^12:.*more than [0-9]+ bytes"
is "... B1 intact" "$(snap)" "$b1snap"
cp d3.good "$D3"
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "the next run repairs" "$rc:$out" "^0:serial $S3: 1 of 2 modules downloaded"
# an older serial (a replayed or rolled-back index)
mkdir -p www/old
$P -q --key k.sec --serial 5 -o www/old/vigil_upd src/main.ndb || exit 1
b1snap=$(snap)
out=$($M --public-key k.pub $U/old/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "an older serial is refused (15)" "$rc:$out" "^15:.*serial 5 is older than ours \($S3\): refused"
is "... B1 intact" "$(snap)" "$b1snap"
out=$($P -q --key k.sec --serial 4 -o www/old/vigil_upd src/main.ndb 2>&1); rc=$?
like "the publisher refuses to go back (64)" "$rc:$out" "^64:.*--serial 4: not above the published serial 5"
exec 8>>www/b1/vigil_upd/.lock
flock -n 8
out=$($M --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd 2>&1); rc=$?
like "a second vigil-mirror on the same directory (75)" "$rc:$out" "^75:.*another vigil-mirror is working here"
exec 8>&-

# --- a connection dropped mid-file; vigil-mirror killed mid-file ------------------
# serves A's files; a module comes with its whole Content-Length but half
# its bytes, then the connection closes (/drop/) or stalls (/stall/)
cat > dropper.py <<'EOF'
import http.server, os, sys, time
class H(http.server.BaseHTTPRequestHandler):
	def log_message(self, *a):
		pass
	def do_GET(self):
		mode, name = self.path.strip("/").split("/", 1)
		try:
			body = open(os.path.join(sys.argv[2], name), "rb").read()
		except OSError:
			self.send_error(404)
			return
		self.send_response(200)
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		if name.endswith(".vmod"):
			self.wfile.write(body[:len(body) // 2])
			self.wfile.flush()
			if mode == "stall":
				time.sleep(30)
			self.close_connection = True
			return
		self.wfile.write(body)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
DPORT=$(freeport)
$PY dropper.py "$DPORT" www/a/vigil_upd &
DPID=$!
for i in $(seq 100); do
	listening $DPORT && break
	sleep 0.1
done
out=$($M --public-key k.pub --retries 1 --retry-delay 0 http://127.0.0.1:$DPORT/drop d1 2>&1); rc=$?
like "a connection dropped mid-file: retried, then 14" "$rc:$out" "^14:.*(transfer closed|Partial)"
is "... nothing half-written in the new mirror" "$(ls -A d1 | grep -v '^\.lock$' | flat)" ""
$M -q --public-key k.pub --retries 0 http://127.0.0.1:$DPORT/stall d2 &
MPID=$!
for i in $(seq 100); do
	[ -n "$(find d2 -name '.*.vmod.tmp.*' -size +0 2>/dev/null)" ] && break
	sleep 0.1
done
kill -KILL $MPID; wait $MPID 2>/dev/null
is "vigil-mirror killed mid-file: a temporary file, no index" \
    "$(ls -A d2 | grep -c '\.vmod\.tmp\.'):$(ls d2 | flat)" "1:"
out=$($M --public-key k.pub $U/a/vigil_upd d2 2>&1); rc=$?
is "the next run repairs, and removes the leftover" "$rc:$out:$(ls -A d2 | grep -c tmp)" \
    "0:serial $S3: 2 of 2 modules downloaded, $(($(stat -c %s $UV) + $(awk '/^module / { n += $4 } END { print n }' $UV))) bytes:0"
kill $DPID; wait $DPID 2>/dev/null; DPID=

# --- a proxy with credentials -------------------------------------------------------
cat > proxy.py <<'EOF'
import base64, http.server, sys, urllib.error, urllib.request
WANT = "Basic " + base64.b64encode(b"px:pxpass").decode()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
class H(http.server.BaseHTTPRequestHandler):
	def log_message(self, *a):
		pass
	def do_GET(self):
		with open(sys.argv[2], "a") as f:
			f.write("%s %s\n" % (self.headers.get("Proxy-Authorization") == WANT, self.path))
		if self.headers.get("Proxy-Authorization") != WANT:
			self.send_response(407)
			self.send_header("Proxy-Authenticate", 'Basic realm="p"')
			self.send_header("Content-Length", "0")
			self.end_headers()
			return
		h = {k: v for k, v in self.headers.items() if k.lower() in
		    ("authorization", "if-modified-since", "if-none-match")}
		try:
			r = opener.open(urllib.request.Request(self.path, headers=h))
			code, body, hd = r.status, r.read(), r.headers
		except urllib.error.HTTPError as e:
			code, body, hd = e.code, e.read(), e.headers
		self.send_response(code)
		for k in ("Last-Modified", "ETag"):
			if hd.get(k):
				self.send_header(k, hd.get(k))
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
XPORT=$(freeport)
$PY proxy.py "$XPORT" proxy.log &
XPID=$!
for i in $(seq 100); do
	listening $XPORT && break
	sleep 0.1
done
printf 'username=px\npassword=pxpass\n' > pauth
chmod 600 pauth
out=$($M --public-key k.pub --auth-file auth --proxy http://127.0.0.1:$XPORT --proxy-auth-file pauth $U/b1/vigil_upd cp 2>&1); rc=$?
like "through an HTTP proxy with its own credentials" "$rc:$out" "^0:serial $S3: 2 of 2 modules downloaded"
like "... the proxy saw them, with its credentials" "$(flat < proxy.log)" \
    "^True $U/b1/vigil_upd/update\.ver;True $U/b1/vigil_upd/.*\.vmod;True $U/b1/vigil_upd/.*\.vmod;$"
out=$($M --public-key k.pub --auth-file auth --retries 0 --proxy http://127.0.0.1:$XPORT $U/b1/vigil_upd cp2 2>&1); rc=$?
like "... and without them: 407 (14)" "$rc:$out" "^14:.*HTTP status 407"
kill $XPID; wait $XPID 2>/dev/null; XPID=

# --- vigil-compile --from-mirror -----------------------------------------------------
BASE=$TMP/base
mkdir -p fm
cp -r www/b1/vigil_upd fm/good
cfm() { $C --from-mirror "$@" 2>&1; }
out=$(cfm fm/good --public-key k.pub --install "$BASE" --no-reload); rc=$?
like "from a mirror: installed" "$rc:$out" "^0:installed $BASE/gen-$S3 from mirror serial $S3: 2 modules, 2 new$"
is "... exactly the mirror's modules" "$(cd "$BASE/current" && sha256sum *.vmod | cut -c1-64 | sort | flat)" \
    "$(sha256sum fm/good/*.vmod | cut -c1-64 | sort | grep -F -f <(grep '^module' fm/good/update.ver | cut -d' ' -f5) | flat)"
out=$(cfm fm/good --public-key k.pub --install "$BASE" --no-reload); rc=$?
is "again: up to date" "$rc:$out" "0:up to date: $BASE/current holds mirror serial $S3"
mkdir fm/empty
out=$(cfm fm/empty --public-key k.pub --install "$BASE" --no-reload); rc=$?
like "no update.ver: base missing (10)" "$rc:$out" "^10:.*update\.ver: No such file"
cp -r fm/good fm/nomain
rm fm/nomain/main-*.vmod
out=$(cfm fm/nomain --public-key k.pub --install "$BASE" --no-reload); rc=$?
like "a listed module missing: base missing (10)" "$rc:$out" "^10:vigil-compile: module main: .*No such file"
cp -r fm/good fm/badsig
sed -i 's/^created \([0-9]*\)/created 1\1/' fm/badsig/update.ver
out=$(cfm fm/badsig --public-key k.pub --install "$BASE" --no-reload); rc=$?
like "a bad signature (11)" "$rc:$out" "^11:.*bad signature"
out=$(cfm fm/good --public-key other.pub --install "$BASE" --no-reload); rc=$?
like "another key (11)" "$rc:$out" "^11:.*signed by another key"
cp -r fm/good fm/badmod
f=fm/badmod/$(grep '^module daily' fm/badmod/update.ver | cut -d' ' -f6)
printf 'Z' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
out=$(cfm fm/badmod --public-key k.pub --install "$BASE" --no-reload); rc=$?
like "a module that does not match update.ver (12)" "$rc:$out" "^12:.*SHA-256 differs"
# an index that matches a damaged module, unsigned: the module's own checks
sed -i "/^module daily/s/ [0-9a-f]\{64\} / $(sha "$f") /" fm/badmod/update.ver
out=$(cfm fm/badmod --no-signature --install "$BASE" --no-reload); rc=$?
like "--no-signature warns, and the module's own checks still refuse (12)" \
    "$rc:$(echo "$out" | flat)" \
    "^12:vigil-compile: WARNING: the signature of fm/badmod/update\.ver is NOT checked.*: (module checksum mismatch|.*): refused;$"
is "after every refusal: the same generation" "$(readlink "$BASE/current")" "gen-$S3"
out=$(cfm fm/good --public-key k.pub --install "$BASE" --no-signature); rc=$?
is "--public-key with --no-signature: usage (64)" "$rc" "64"

# --- vigild: a new generation, reloaded, no scan failing -------------------------------
SOCK=$TMP/vigild.sock
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
[mirror]
url = $U/b1/vigil_upd
auth_file = $TMP/auth
public_key = $TMP/k.pub
mirror_dir = $TMP/c2
retries = 0
EOF
mkdir -p files
{ printf 'some text '; printf 'VIGIL-DAILY-ONE'; printf ' more\n'; } > files/one.txt
{ printf 'some text '; printf 'VIGIL-DAILY-NEW'; printf ' more\n'; } > files/new.txt
chmod 644 files/*; chmod 755 files
$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
for i in $(seq 100); do
	$CTL -s "$SOCK" ping >/dev/null 2>&1 && break
	sleep 0.1
done
is "vigild runs the mirror's generation" "$($CTL -s "$SOCK" status | head -1)" "generation: $S3"
is "the old daily signature is found" "$($CTL -s "$SOCK" scan "$TMP/files/one.txt")" \
    "$TMP/files/one.txt: Test.Daily.One FOUND"
is "the new one is not there yet" "$($CTL -s "$SOCK" scan "$TMP/files/new.txt")" \
    "$TMP/files/new.txt: OK"
printf 'Test.Daily.New:0:*:%s\n' "$(printf 'VIGIL-DAILY-NEW' | od -An -tx1 | tr -d ' \n')" >> src/daily.ndb
$P -q --key k.sec -o www/a/vigil_upd src/main.ndb src/daily.ndb || exit 1
S4=$(sed -n 's/^serial //p' $UV)
$M -q --public-key k.pub $U/a/vigil_upd www/b1/vigil_upd || exit 1
# scans all along the update: none may fail
( while [ ! -e stop ]; do
	$CTL -s "$SOCK" scan "$TMP/files/one.txt" 2>&1
done > scans.log ) &
HPID=$!
out=$($VU -v -c vigil.cfg -l "$TMP/update.lock" 2>&1); rc=$?
like "vigil-update: mirrored, installed, reloaded, one line" "$rc:$out" \
    "^0:vigil-update: ok: serial $S4: 2 of 2 modules downloaded, [0-9]+ bytes; installed $BASE/gen-$S4 from mirror serial $S4: 2 modules, 1 new; vigild reloaded: generation $S3 -> $S4$"
for i in $(seq 20); do [ "$(wc -l < scans.log)" -ge 3 ] && break; sleep 0.1; done
touch stop
wait $HPID; HPID=
is "every scan during the update answered" "$(sort -u scans.log)" \
    "$TMP/files/one.txt: Test.Daily.One FOUND"
is "vigild finds the new signature" "$($CTL -s "$SOCK" scan "$TMP/files/new.txt")" \
    "$TMP/files/new.txt: Test.Daily.New FOUND"
is "the unchanged module is a hard link to the previous generation's" \
    "$(stat -c %i "$BASE/gen-$S4/main.vmod")" "$(stat -c %i "$BASE/gen-$S3/main.vmod")"
out=$($VU -v -c vigil.cfg -l "$TMP/update.lock" 2>&1); rc=$?
is "vigil-update again: up to date, vigild asked all the same" "$rc:$out" \
    "0:vigil-update: ok: serial $S4: up to date (not modified), 0 bytes; up to date: $BASE/current holds mirror serial $S4; vigild unchanged: generation $S4"
exec 8>>"$TMP/update.lock"
flock -n 8
out=$($VU -v -c vigil.cfg -l "$TMP/update.lock" 2>&1); rc=$?
is "a second vigil-update while one runs: skipped (75)" "$rc:$out" \
    "75:vigil-update: skipped: another vigil-update is running ($TMP/update.lock)"
exec 8>&-
sed -i 's/^retries = 0$/retries = 0\nproxy = http:\/\/127.0.0.1:1/' vigil.cfg
out=$($VU -c vigil.cfg -l "$TMP/update.lock" 2>&1 >/dev/null); rc=$?
like "vigil-update: a failed step on stderr, with its status" "$rc:$out" \
    "^14:vigil-update: failed: vigil-mirror $U/b1/vigil_upd \(exit 14\): "
sed -i '/^proxy = /d' vigil.cfg
out=$($C -c vigil.cfg -i --from-mirror c2 --socket "$TMP/nobody.sock" 2>&1 >/dev/null); rc=$?
like "installed, but vigild not told (13)" "$rc:$out" "^13:vigil-compile: vigild not told: .*nobody\.sock"
kill "$VPID"; wait "$VPID" 2>/dev/null; VPID=
out=$($C -c vigil.cfg -i --from-mirror c2 2>&1 >/dev/null); rc=$?
like "no vigild at the configured socket (13)" "$rc:$out" "^13:vigil-compile: vigild not told: "
is "--print-config" "$($C -c vigil.cfg --print-config mirror_dir):$($C -c vigil.cfg --print-config daemon.socket)" \
    "$TMP/c2:$SOCK"
