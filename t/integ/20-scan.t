#!/usr/bin/env bash
# vigil-scan --db: output lines, exit codes, summary, trees, errors
. "$(dirname "$0")/tap.sh"
plan 26

C=$BIN/vigil-compile
S=$BIN/vigil-scan
cd "$TMP"
$C -q -o def.vmod "$VIGIL_TOP"/signatures/default || exit 1
mkdir -p tree/sub tree/deeper/still
printf '%s' "$EICAR" > tree/eicar.com
printf '%s\r\n' "$EICAR" > tree/sub/eicar-crlf.txt
{ head -c 5000 /dev/zero; printf 'VIGIL-TEST-SIGNATURE: this is not a virus'; \
    head -c 5000 /dev/zero; } > tree/deeper/still/embedded.bin
printf 'just text\n' > tree/clean.txt
: > tree/empty
cp /bin/true tree/deeper/true
ln -s /etc/passwd tree/link-out
ln -s eicar.com tree/link-in

out=$($S --db def.vmod --no-summary tree/eicar.com); rc=$?
is "EICAR is found" "$out" "tree/eicar.com: Eicar-Test-Signature FOUND"
is "exit 1 when something is found" "$rc" 1
out=$($S --db def.vmod --no-summary tree/clean.txt); rc=$?
is "a clean file prints nothing" "$out" ""
is "exit 0 when clean" "$rc" 0
is "-v prints OK lines" "$($S --db def.vmod -v --no-summary tree/clean.txt)" \
    "tree/clean.txt: OK"
is "an empty file is clean" "$($S --db def.vmod -v --no-summary tree/empty)" \
    "tree/empty: OK"

out=$($S --db def.vmod --no-summary tree | sort)
want=$(printf '%s\n' \
    "tree/deeper/still/embedded.bin: Vigil.Test.Signature FOUND" \
    "tree/eicar.com: Eicar-Test-Signature FOUND" \
    "tree/sub/eicar-crlf.txt: Eicar-Test-Signature FOUND" | sort)
is "a tree is walked; symlinks inside it are not followed" "$out" "$want"

sum=$($S --db def.vmod tree 2>/dev/null)
like "the summary counts files" "$sum" "Scanned files: 6"
like "the summary counts infected files" "$sum" "Infected files: 3"
like "the summary names the engine" "$sum" "Engine version: Vigil"
like "the summary gives the throughput" "$sum" "Throughput: [0-9.]+ MB/s"

out=$($S --db def.vmod --no-summary tree/link-in); rc=$?
is "a symlink named on the command line is followed" "$rc" 1

err=$($S --db def.vmod --no-summary nothing-here 2>&1 >/dev/null); rc=$?
is "an unreadable path alone is exit 2" "$rc" 2
like "and is reported" "$err" "nothing-here: No such file or directory"
$S --db def.vmod --no-summary nothing-here tree/eicar.com >/dev/null 2>&1; rc=$?
is "infected wins over errors (exit 1, as clamscan)" "$rc" 1
out=$($S --db def.vmod --no-summary nothing-here tree/clean.txt 2>/dev/null); rc=$?
is "the scan goes on after an error" "$rc" 2

# --all-match: one line per signature.
{ printf '%s' "$EICAR"; printf ' and VIGIL-TEST-SIGNATURE: this is not a virus'; } > both.txt
out=$($S --db def.vmod --all-match --no-summary both.txt | sort)
want=$(printf '%s\n' "both.txt: Eicar-Test-Signature FOUND" \
    "both.txt: Vigil.Test.Signature FOUND" | sort)
is "--all-match lists every signature" "$out" "$want"
is "without it, one name" "$($S --db def.vmod --no-summary both.txt | wc -l)" "1"

# -f: a list of paths.
printf '%s\n' tree/clean.txt tree/eicar.com > list
is "-f reads paths from a file" "$($S --db def.vmod --no-summary -f list)" \
    "tree/eicar.com: Eicar-Test-Signature FOUND"

# The database never detects itself (patterns are stored XORed).
is "the module is not detected" "$($S --db def.vmod --no-summary def.vmod)" ""

# A damaged database is refused with the reason.
cp def.vmod bad.vmod
printf 'X' | dd of=bad.vmod bs=1 seek=2000 conv=notrunc 2>/dev/null
err=$($S --db bad.vmod tree/clean.txt 2>&1); rc=$?
is "a corrupted module is refused (exit 2)" "$rc" 2
like "with its reason" "$err" "bad.vmod: module checksum mismatch"

# -c FILE: the [scan] section of vigil.cfg; options win over it
$C -q --install base "$VIGIL_TOP"/signatures/default
{ head -c 3000 /dev/zero; printf 'VIGIL-TEST-SIGNATURE: this is not a virus'; } \
    > late.bin
# (without --db or [scan] db, vigil-scan goes through vigild: 70-*.t)
printf '[scan]\ndb = %s/base\nmax_filesize = 1K\n' "$TMP" \
    > scan.cfg
out=$($S -c scan.cfg --no-summary late.bin); rc=$?
is "-c: [scan] db is the database, [scan] max_filesize applies" "$rc:$out" \
    "0:late.bin: limit: file size NOT SCANNED"
out=$($S -c scan.cfg --max-filesize 1M --no-summary late.bin); rc=$?
is "-c: an option wins over the file" "$rc:$out" \
    "1:late.bin: Vigil.Test.Signature FOUND"
printf '[global]\nbase_dir = %s/base\n[scan]\nmax_filesize = lots\n' "$TMP" \
    > bad.cfg
err=$($S -c bad.cfg late.bin 2>&1); rc=$?
is "-c: a bad value is fatal (exit 2)" "$rc" 2
like "-c: with file:line" "$err" "bad.cfg:4: "
