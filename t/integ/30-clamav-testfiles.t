#!/usr/bin/env bash
# Debian's clamav-testfiles: clam.exe by ClamAV's own hash lines, then all
# 44 files through the scan pipeline: which are found, at which object
# path, and why each of the others is missed
. "$(dirname "$0")/tap.sh"
TF=/usr/share/clamav-testfiles
[ -r $TF/clam.exe ] || skip_all "clamav-testfiles is not installed ($TF)"

# file -> the object clam.exe is found in (relative to the file)
declare -A FOUND=(
	[clam.exe]=""
	[clam.zip]=/clam.exe
	[clam.bz2.zip]=/clam.exe
	[clam.d64.zip]=/clam.exe
	[clam.impl.zip]=/CLAM.EXE
	[clam.7z]=/clam.exe
	[clam.cab]=/clam.exe
	[clam.arj]=/clam.exe
	[clam.tar.gz]=/clam.exe
	[clam.bin-be.cpio]=/clam.exe
	[clam.bin-le.cpio]=/clam.exe
	[clam.newc.cpio]=/clam.exe
	[clam.odc.cpio]=/clam.exe
	[clam.exe.bz2]=/clam.exe
	[clam.exe.szdd]=/clam.exe
	[clam_cache_emax.tgz]=/clam01.tgz/clam02.tgz/clam03.tgz/clam04.tgz/clam05.tgz/clam06.tgz/clam07.tgz/clam08.tgz/clam.exe
	[clam.exe.binhex]=/clam.exe
	[clam.exe.mbox.base64]=/1:clam.exe
	[clam.exe.mbox.uu]=/1:clam.exe
	[clam.mail]=/2:clam.exe
	[clam.tnef]=/clam.exe
	[clam.sis]=/clam.exe
	[clam.chm]=/clam.exe.txt
	[clam.exe.html]=/data:1
	[clam.pdf]=/obj15
)
# file -> why Vigil misses it (what it would take)
declare -A MISSED=(
	[clam-aspack.exe]="PE packed with ASPack: no executable unpacker"
	[clam-fsg.exe]="PE packed with FSG: no executable unpacker"
	[clam-mew.exe]="PE packed with MEW: no executable unpacker"
	[clam-pespin.exe]="PE packed with PESpin: no executable unpacker"
	[clam-petite.exe]="PE packed with Petite: no executable unpacker"
	[clam-upack.exe]="PE packed with Upack: no executable unpacker"
	[clam-upx.exe]="PE packed with UPX: no executable unpacker"
	[clam-wwpack.exe]="PE packed with WWPack32: no executable unpacker"
	[clam-yc.exe]="PE packed with yC: no executable unpacker"
	[clam-nsis.exe]="NSIS installer: no reader for its data block"
	[clam.ea05.exe]="AutoIt v3.0 compiled script: no AutoIt reader"
	[clam.ea06.exe]="AutoIt v3.26 compiled script: no AutoIt reader"
	[clam_IScab_ext.exe]="InstallShield cabinet: no reader"
	[clam_IScab_int.exe]="InstallShield cabinet: no reader"
	[clam_ISmsi_ext.exe]="InstallShield MSI wrapper: no reader"
	[clam_ISmsi_int.exe]="InstallShield MSI wrapper: no reader"
	[clam.ole.doc]="OLE2 compound file with an embedded object: no OLE2 reader yet"
	[clam.ppt]="OLE2 compound file (PowerPoint): no OLE2 reader yet"
	[clam.exe.rtf]="RTF \\objdata embedded object: RTF is not decoded yet"
)
files=$(cd $TF && ls)
total=$(echo "$files" | wc -l)
plan $((5 + total + 2))

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

# Every file is in exactly one of the tables.
unlisted=""
for f in $files; do
	if [ -z "${FOUND[$f]+x}" ] && [ -z "${MISSED[$f]+x}" ]; then
		unlisted="$unlisted $f"
	fi
done
is "every file of the package is accounted for" "$unlisted" ""

# The pipeline, with the hash line of ClamAV's main.hdb.
found=0
for f in $files; do
	out=$($S --db hdb.vmod --no-summary "$TF/$f" 2>&1)
	if [ -n "${FOUND[$f]+x}" ]; then
		is "$f: clam.exe found in $f${FOUND[$f]}" "$out" \
		    "$TF/$f${FOUND[$f]}: Clamav.Test.File-6 FOUND"
		case $out in *" FOUND") found=$((found + 1)) ;; esac
	else
		diag "missed $f: ${MISSED[$f]}"
		case $out in
		*" FOUND")
			# found now: move it to FOUND, with its path
			_result 1 "$f: listed as missed but found ($out)" ;;
		*)	_result 0 "$f: missed, as listed" ;;
		esac
	fi
done
diag "clamav-testfiles detected through the pipeline: $found of $total"
ok "all the archives, compressed, mbox, uu, BinHex and mail variants" \
    test "$found" -eq ${#FOUND[@]}
is "no error on any of them" \
    "$($S --db hdb.vmod --no-summary $TF 2>&1 >/dev/null)" ""
