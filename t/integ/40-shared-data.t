#!/usr/bin/env bash
# Every ClamAV database file of ../shared/data/clamav compiles; a scan of
# system binaries finds nothing; clam.exe is Clamav.Test.File-6.
. "$(dirname "$0")/tap.sh"
D=${VIGIL_SHARED:-$VIGIL_TOP/../shared}/data/clamav
[ -d "$D" ] || skip_all "no ClamAV data at $D (the project's own tests do not need it)"
plan 7

C=$BIN/vigil-compile
S=$BIN/vigil-scan
cd "$TMP"
out=$($C -o clam.vmod "$D"/*.gz 2>errors); rc=$?
is "all of $D compiles" "$rc" 0
while IFS= read -r l; do diag "$l"; done <<< "$out"
is "no line is malformed" "$(wc -l < errors)" "0"
like "main.ldb's logical signatures are in" "$out" "ldb 3[0-9]{4} "
like "main.hdb and daily.hsb hashes are in" "$out" "md5 2[0-9]{5}"
t0=$(date +%s%N)
$S --db clam.vmod --no-summary /dev/null; t1=$(date +%s%N)
diag "open + map + validate + empty scan: $(( (t1 - t0) / 1000000 )) ms"
ok "the module loads" $S --db clam.vmod --no-summary /dev/null
out=$($S --db clam.vmod --no-summary /usr/bin 2>/dev/null); rc=$?
is "no false positive on /usr/bin" "$rc:$out" "0:"
if [ -r /usr/share/clamav-testfiles/clam.exe ]; then
	is "clam.exe is Clamav.Test.File-6" \
	    "$($S --db clam.vmod --no-summary /usr/share/clamav-testfiles/clam.exe)" \
	    "/usr/share/clamav-testfiles/clam.exe: Clamav.Test.File-6 FOUND"
else
	echo "ok 7 # SKIP clamav-testfiles not installed"
fi
