#!/usr/bin/env bash
# vigil-compile: sources of every kind, reports, errors, --strict, --install
. "$(dirname "$0")/tap.sh"
plan 36

C=$BIN/vigil-compile
S=$BIN/vigil-scan
cd "$TMP"

# The default database.
out=$($C -o def.vmod "$VIGIL_TOP"/signatures/default 2>&1); rc=$?
is "default signatures compile" "$rc" 0
like "report counts body signatures" "$out" "body signatures: +ndb 2, ldb 0"
like "report counts hash signatures" "$out" "hash signatures: +md5 1, sha1 0, sha256 1"
like "report gives the module size" "$out" "module: +def.vmod, [0-9.]+ MB"

# A bad line is reported as file:line and skipped; the rest compiles.
printf '%s\n' 'Good.Sig:0:*:414243444546' 'Bad.Sig:0:*:41zz' \
    '# a comment' 'Also.Good:0:*:474849505152' > mixed.ndb
err=$($C -o mixed.vmod mixed.ndb 2>&1 >/dev/null); rc=$?
is "a malformed line does not stop the compilation" "$rc" 0
like "it is reported as file:line: reason" "$err" "^mixed.ndb:2: bad hex signature"
printf 'xx ABCDEF yy' > a.txt
printf 'xx GHIPQR yy' > b.txt
is "the lines around it work (1)" "$($S --db mixed.vmod --no-summary a.txt)" "a.txt: Good.Sig FOUND"
is "the lines around it work (2)" "$($S --db mixed.vmod --no-summary b.txt)" "b.txt: Also.Good FOUND"

# --strict makes it fatal and writes nothing.
$C --strict -o strict.vmod mixed.ndb >/dev/null 2>&1; rc=$?
is "--strict fails on a malformed line (EX_DATAERR)" "$rc" 65
ok "--strict leaves no module behind" test ! -e strict.vmod

# Sources that cannot be used.
$C -o x.vmod missing.ndb >/dev/null 2>&1; rc=$?
is "a missing source is EX_NOINPUT" "$rc" 66
printf 'hello\n' > notes.txt
$C -o x.vmod notes.txt >/dev/null 2>&1; rc=$?
is "an unknown kind of source is EX_NOINPUT" "$rc" 66
printf '# only a comment\n' > empty.ndb
$C -o x.vmod empty.ndb >/dev/null 2>&1; rc=$?
is "nothing to compile is EX_DATAERR" "$rc" 65
$C -o /nonexistent/dir/x.vmod mixed.ndb >/dev/null 2>&1; rc=$?
is "an output that cannot be created is EX_CANTCREAT" "$rc" 73
$C mixed.ndb >/dev/null 2>&1; rc=$?
is "no -o and no --install is a usage error" "$rc" 64

# .gz sources are read through; a directory loads its known files.
mkdir -p dbdir
cp mixed.ndb dbdir/one.ndb
printf '%s:%s:Eicar.Hash\n' "$(printf '%s' "$EICAR" | md5sum | cut -d' ' -f1)" 68 \
    | gzip > dbdir/two.hdb.gz
printf 'ignored\n' > dbdir/README
$C -o dir.vmod dbdir >/dev/null 2>&1; rc=$?
is "a directory with .gz sources compiles" "$rc" 0
printf '%s' "$EICAR" > eicar.com
is "the .gz hash signature is there" "$($S --db dir.vmod --no-summary eicar.com)" \
    "eicar.com: Eicar.Hash FOUND"

# A .cvd container built here: 512-byte header, MD5, gzip'd tar.
mkdir -p cvdsrc
printf '%s\n' 'Cvd.Sig:0:*:5a5a5a5a5a5a5a' > cvdsrc/test.ndb
printf 'x\n' > cvdsrc/COPYING
tar -C cvdsrc -cf - test.ndb COPYING | gzip -n > body.tgz
md5=$(md5sum < body.tgz | cut -d' ' -f1)
hdr="ClamAV-VDB:22 Nov 2026 10-00 +0000:7:1:90:$md5:nosig:vigil:1795340000"
{ printf '%-512s' "$hdr"; cat body.tgz; } > test.cvd
$C -o cvd.vmod test.cvd >/dev/null 2>&1; rc=$?
is "a .cvd container compiles" "$rc" 0
printf 'aaZZZZZZZbb' > z.txt
is "its member's signature detects" "$($S --db cvd.vmod --no-summary z.txt)" \
    "z.txt: Cvd.Sig FOUND"
{ printf '%-512s' "$hdr"; cat body.tgz; printf 'tail'; } > bad.cvd
err=$($C -o bad.vmod bad.cvd 2>&1); rc=$?
is "a .cvd with a wrong MD5 is refused" "$rc" 66
like "and says why" "$err" "MD5"

# --install: a generation, and current flipped with rename(2).
$C -q --serial 100 --install base mixed.ndb 2>/dev/null; rc=$?
is "--install writes a generation" "$rc" 0
is "current points at it" "$(readlink base/current)" "gen-100"
$C -q --serial 101 --install base dbdir >/dev/null 2>&1
is "a second install flips current" "$(readlink base/current)" "gen-101"
ok "the old generation stays for readers that still map it" test -d base/gen-100
$C -q --serial 101 --install base mixed.ndb >/dev/null 2>&1; rc=$?
is "an existing serial is refused" "$rc" 73
is "vigil-scan --db takes the base directory" \
    "$($S --db base --no-summary eicar.com)" "eicar.com: Eicar.Hash FOUND"

# --update: replace one module, share the others with the running generation
$C -q --serial 200 --name main --install upd mixed.ndb 2>/dev/null
printf '%s' "$EICAR" | md5sum | sed 's/ .*/:68:Daily.Eicar/' > d1.hdb
$C -q --serial 201 --name daily --update --install upd d1.hdb; rc=$?
is "--update installs a generation" "$rc" 0
is "it holds the old main and the new daily" "$(ls upd/gen-201)" \
    "daily.vmod
main.vmod"
is "main is the same file (hard link)" \
    "$(stat -c %i upd/gen-200/main.vmod)" "$(stat -c %i upd/gen-201/main.vmod)"
is "and both modules detect" \
    "$($S --db upd --no-summary eicar.com z.txt | sort)" \
    "eicar.com: Daily.Eicar FOUND"
printf 'aaGHIPQRbb' > g.bin
is "main's signatures are still there" "$($S --db upd --no-summary g.bin)" \
    "g.bin: Also.Good FOUND"
$C -q --update -o x.vmod d1.hdb 2>/dev/null; rc=$?
is "--update without an install is a usage error" "$rc" 64

# -c FILE and -i: install into the configured base_dir
printf '[global]\nbase_dir = %s/cfgbase\n' "$PWD" > v.cfg
$C -q -c v.cfg -i --serial 300 d1.hdb; rc=$?
is "-c FILE -i installs into base_dir" "$rc:$(readlink cfgbase/current)" \
    "0:gen-300"
printf '[global]\nbase_dir = relative\nbogus = 1\n' > bad.cfg
err=$($C -q -c bad.cfg -i d1.hdb 2>&1); rc=$?
is "a bad configuration exits 78" "$rc" 78
like "naming file:line" "$err" "bad.cfg:2: "
