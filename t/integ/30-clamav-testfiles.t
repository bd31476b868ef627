#!/usr/bin/env bash
# Debian's clamav-testfiles: clam.exe by ClamAV's own hash lines
. "$(dirname "$0")/tap.sh"
TF=/usr/share/clamav-testfiles
[ -r $TF/clam.exe ] || skip_all "clamav-testfiles is not installed ($TF)"
plan 6

C=$BIN/vigil-compile
S=$BIN/vigil-scan
cd "$TMP"
# The line of ClamAV's official main.hdb, and the one of its source tree.
printf '%s\n' 'aa15bcf478d165efd2065190eb473bcb:544:Clamav.Test.File-6' > t.hdb
printf '%s\n' '71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495:544:ClamAV-Test-File' > t.hsb
$C -q -o hdb.vmod t.hdb; $C -q -o hsb.vmod t.hsb
is "clam.exe by its MD5 (.hdb)" "$($S --db hdb.vmod --no-summary $TF/clam.exe)" \
    "$TF/clam.exe: Clamav.Test.File-6 FOUND"
is "clam.exe by its SHA-256 (.hsb)" "$($S --db hsb.vmod --no-summary $TF/clam.exe)" \
    "$TF/clam.exe: ClamAV-Test-File FOUND"
$C -q -o def.vmod "$VIGIL_TOP"/signatures/default
is "the default database knows it too" \
    "$($S --db def.vmod --no-summary $TF/clam.exe)" \
    "$TF/clam.exe: Vigil.Test.ClamAVTestFile FOUND"

# An allow-list entry for the same file makes it clean.
printf '%s\n' 'aa15bcf478d165efd2065190eb473bcb:544:Allow.Clam' > t.fp
$C -q -o fp.vmod t.hdb t.fp
out=$($S --db fp.vmod --no-summary $TF/clam.exe); rc=$?
is "an .fp entry allow-lists it" "$rc:$out" "0:"

# The other 43 hold clam.exe packed, archived or encoded: the scan
# pipeline (containers, mail, decoders) finds those; count them here.
n=$($S --db hdb.vmod --no-summary $TF | grep -c ' FOUND$')
total=$(ls $TF | wc -l)
diag "clamav-testfiles detected by the hash line without unpacking: $n of $total"
ok "at least clam.exe itself of the $total" test "$n" -ge 1
is "no error on any of them" "$($S --db hdb.vmod --no-summary $TF 2>&1 >/dev/null)" ""
