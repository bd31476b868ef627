#!/usr/bin/env bash
# The Debian package on this machine: make deb (dpkg-buildpackage,
# debhelper) and lintian; dpkg -i; vigild started from its installed unit
# as systemd would start it (its ExecStart under the unit's capability
# bounding set, no_new_privs and read-only file system); clamdscan through
# the package's socket as root and as nobody; an upgrade to a rebuilt
# package keeping a changed vigil.cfg and the current generation;
# dpkg -r (vigild stopped, programs gone, configuration kept) and dpkg -P
# (user, configuration, data gone, nothing of the package left).  Also
# make install into a DESTDIR with PREFIX=/usr/local, twice, and make
# uninstall.
#
# It builds in a private copy of the tree under $TMP (never build/), holds
# a machine-wide lock so that two builds' tests never install at once, and
# purges the package on any exit.
. "$(dirname "$0")/tap.sh"
[ "$(id -u)" -eq 0 ] || skip_all "not root: installs a package on this machine"
command -v dpkg-buildpackage >/dev/null && [ -x /usr/bin/dh ] ||
    skip_all "dpkg-buildpackage or debhelper missing (apt-get install dpkg-dev debhelper)"
command -v lintian >/dev/null || skip_all "lintian is not installed"
command -v clamdscan >/dev/null || skip_all "clamdscan is not installed"
command -v unshare >/dev/null && command -v setpriv >/dev/null ||
    skip_all "unshare or setpriv (util-linux) missing"
exec 9> /tmp/vigil-95-package.lock
flock -w 600 9 || skip_all "another package test held the lock for 10 minutes"
if dpkg-query -W -f '${Status}' vigil 2>/dev/null | grep -q installed ||
    [ -e /etc/vigil ] || [ -e /var/lib/vigil ] || getent passwd vigil >/dev/null; then
	skip_all "Vigil is installed on this machine (package, /etc/vigil, /var/lib/vigil or user vigil): not touching it"
fi
plan 78

# the test's own make must not pass this make's variables (SAN=1, O=...) on
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O SAN
export DEB_BUILD_OPTIONS="nocheck noautodbgsym"
B=$TMP/b
DEB=$B/deb
SRC=$DEB/vigil-$(cat "$VIGIL_TOP/VERSION")
SOCK=/run/vigil/vigild.sock
VPID=
MPID=
chmod 0711 "$TMP"
mkdir -p "$TMP/pub"
chmod 0755 "$TMP/pub"

unlike() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		_result 1 "$1"
		diag "matched /$3/"
	else
		_result 0 "$1"
	fi
}
# on any exit: stop what was started, wait until no process of the vigil
# user is left (userdel refuses a user that runs one), purge the package
cleanup() {
	local p

	for p in $VPID $MPID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for _ in $(seq 150); do
		pgrep -u vigil >/dev/null 2>&1 || break
		sleep 0.1
	done
	if dpkg-query -W -f '${Status}' vigil 2>/dev/null | grep -q 'ok '; then
		dpkg -P vigil >/dev/null 2>&1
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- make deb, lintian --------------------------------------------------------
ok "make deb: dpkg-buildpackage builds the package" \
    make -C "$VIGIL_TOP" -f GNUmakefile -f mk/install.mk O="$B" LINTIAN= \
    DEBBUILDFLAGS=-j2 deb
ARCH=$(dpkg --print-architecture)
PKG=$(echo "$DEB"/vigil_*_"$ARCH".deb)
[ -f "$PKG" ] || { diag "no .deb in $DEB"; exit 1; }
diag "${SECONDS}s: built"
lint=$(lintian --fail-on none "$PKG" 2>&1 | grep -v 'root privileges')
is "lintian: no error" "$(printf '%s\n' "$lint" | grep -c '^E:')" 0
[ -n "$lint" ] && printf '%s\n' "$lint" | sed 's/^/# lintian: /'

# --- make install, DESTDIR, PREFIX=/usr/local ---------------------------------
# in the package's copy, with its build's flags (dpkg-buildflags, its
# directory): nothing is compiled again
R=$TMP/root
minst() {
	(cd "$SRC" && eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all \
	    dpkg-buildflags --export=sh)" && make -f GNUmakefile \
	    -f mk/install.mk O=debian/build DESTDIR="$R" "$@")
}
out=$(minst install 2>&1)
is "make install DESTDIR: status" "$?" 0
unlike "make install compiles nothing" "$out" "^cc "
L=$R/usr/local
is "bin/ holds what the package has in /usr/bin" \
    "$(ls "$L/bin" | sort | tr '\n' ' ')" \
    "$(dpkg -c "$PKG" | awk '{print $6}' | sed -n 's|^\./usr/bin/||p' | grep . | sort | tr '\n' ' ')"
is "sbin/: the daemons and vigil-update" \
    "$(ls "$L/sbin" | sort | tr '\n' ' ')" \
    "$(dpkg -c "$PKG" | awk '{print $6}' | sed -n 's|^\./usr/sbin/||p' | grep . | sort | tr '\n' ' ')"
ok "vigild in sbin, executable" test -x "$L/sbin/vigild"
ok "vigil-scan in bin, executable" test -x "$L/bin/vigil-scan"
ok "man pages by section" test -f "$L/share/man/man8/vigild.8" -a \
    -f "$L/share/man/man5/vigil.cfg.5" -a -f "$L/share/man/man1/vigil-scan.1"
ok "vigil.cfg in /etc/vigil, as in the tree" cmp "$R/etc/vigil/vigil.cfg" \
    "$VIGIL_TOP/conf/vigil.cfg"
ok "the .example templates in /etc/vigil" test -f \
    "$R/etc/vigil/sig_header_infected.html.example"
is "default database as gen-1" "$(readlink "$R/var/lib/vigil/current")" gen-1
ok "gen-1/vigil.vmod is the build's default.vmod" \
    cmp "$R/var/lib/vigil/gen-1/vigil.vmod" "$SRC/debian/build/default.vmod"
ok "quarantine, spool, log and run directories" test -d \
    "$R/var/spool/vigil/quarantine" -a -d "$R/var/log/vigil" -a -d "$R/run/vigil"
is "the unit names the installed vigild" \
    "$(sed -n 's/^ExecStart=//p' "$R/usr/local/lib/systemd/system/vigild.service")" \
    "/usr/local/sbin/vigild -f -c /etc/vigil/vigil.cfg"
echo "# the site's" >> "$R/etc/vigil/vigil.cfg"
ln -s gen-7 "$R/var/lib/vigil/current.new" &&
    mv -T "$R/var/lib/vigil/current.new" "$R/var/lib/vigil/current"
minst install >/dev/null 2>&1
ok "a second install keeps vigil.cfg" grep -qx "# the site's" "$R/etc/vigil/vigil.cfg"
is "and the current generation" "$(readlink "$R/var/lib/vigil/current")" gen-7
minst uninstall >/dev/null 2>&1
is "make uninstall: no program left" "$(find "$L/bin" "$L/sbin" ! -type d | wc -l)" 0
ok "make uninstall keeps the configuration" test -f "$R/etc/vigil/vigil.cfg"

diag "${SECONDS}s"
# --- dpkg -i ----------------------------------------------------------------
out=$(dpkg -i "$PKG" 2>&1 </dev/null)
is "dpkg -i: status" "$?" 0
[ "$(dpkg-query -W -f '${Status}' vigil 2>/dev/null)" = "install ok installed" ] ||
    { diag "$out"; exit 1; }
dpkg -L vigil | sort > "$TMP/files"
uid=$(id -u vigil 2>/dev/null)
ok "system user vigil (uid < 1000)" test -n "$uid" -a "${uid:-1000}" -lt 1000
is "its group" "$(id -gn vigil 2>/dev/null)" vigil
is "/var/lib/vigil belongs to vigil" "$(stat -c %U:%G /var/lib/vigil)" vigil:vigil
is "the quarantine too, 0750" "$(stat -c %U:%a /var/spool/vigil/quarantine)" vigil:750
is "/run/vigil from tmpfiles.d" "$(stat -c %U:%G:%a /run/vigil 2>&1)" root:vigil:1775
is "default database installed: current -> gen-1" \
    "$(readlink /var/lib/vigil/current)" gen-1
ok "gen-1/vigil.vmod is the shipped default.vmod" \
    cmp /var/lib/vigil/gen-1/vigil.vmod /usr/share/vigil/default.vmod
ok "vigild.service enabled" test -L \
    /etc/systemd/system/multi-user.target.wants/vigild.service
ok "vigil-update.timer enabled" test -L \
    /etc/systemd/system/timers.target.wants/vigil-update.timer
# the agents built in this tree: each unit installed, none enabled
agents_ok() {
	local a n=0
	for a in vigil-smtpd vigil-milter; do
		[ -x "/usr/sbin/$a" ] || continue
		n=$((n + 1))
		test -f "/lib/systemd/system/$a.service" &&
		    test ! -e "/etc/systemd/system/multi-user.target.wants/$a.service" ||
		    return 1
	done
	[ "$n" -gt 0 ]
}
ok "the agents' units installed, not enabled" agents_ok
ok "vigil.cfg is a conffile" grep -qx ' */etc/vigil/vigil.cfg [0-9a-f]*' \
    <(dpkg-query -W -f '${Conffiles}\n' vigil)
like "the socket clients use by default" \
    "$(grep -E '^#?daemon_addr' /etc/vigil/vigil.cfg)" "= $SOCK\$"

diag "${SECONDS}s"
# --- vigild from its unit, as systemd starts it -------------------------------
# unit_start UNIT LOG: ExecStart as systemd runs it, as far as these
# options go: User, Group, CapabilityBoundingSet, NoNewPrivileges, UMask,
# PrivateTmp (a tmpfs), ProtectSystem=strict (every mount read-only but
# /proc, /sys, /dev) with ReadWritePaths, a clean environment, cwd /
ukey() { sed -n "s/^$2=//p" "/lib/systemd/system/$1" | tail -1; }
unit_start() {
	local caps=
	if grep -q '^CapabilityBoundingSet=' "/lib/systemd/system/$1"; then
		caps=-all$(ukey "$1" CapabilityBoundingSet | tr '[:upper:]' '[:lower:]' |
		    sed 's/cap_/,+/g; s/ //g')
	fi
	RW="$(ukey "$1" ReadWritePaths)" SP="$(ukey "$1" ProtectSystem)" \
	    NNP="$(ukey "$1" NoNewPrivileges)" CAPS="$caps" \
	    PT="$(ukey "$1" PrivateTmp)" USR="$(ukey "$1" User)" \
	    GRP="$(ukey "$1" Group)" \
	    UM="$(ukey "$1" UMask)" EXE="$(ukey "$1" ExecStart)" \
	    unshare --mount --propagation private /bin/sh -c '
		set -e
		for p in $RW; do
			case $p in -*) p=${p#-}; [ -e "$p" ] || continue ;; esac
			mount --bind "$p" "$p"
		done
		keep=" $RW "
		if [ "$PT" = yes ]; then
			mount -t tmpfs -o mode=1777 tmpfs /tmp
			keep="$keep /tmp "
		fi
		if [ "$SP" = strict ]; then
			awk "{print \$5}" /proc/self/mountinfo | sort -u |
			while read -r mp; do
				case $keep in *" $mp "*|*" -$mp "*) continue ;; esac
				case $mp in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*)
					continue ;; esac
				mount -o remount,bind,ro "$mp" 2>/dev/null ||
				    [ "$mp" != / ]
			done
		fi
		umask "${UM:-0022}"
		cd /
		set --
		[ "$NNP" = yes ] && set -- "$@" --no-new-privs
		[ -n "$CAPS" ] && set -- "$@" --bounding-set "$CAPS"
		[ -n "$USR" ] && set -- "$@" --reuid "$USR" --init-groups
		[ -n "$GRP" ] && set -- "$@" --regid "$GRP"
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin setpriv "$@" \
		    -- $EXE' \
	    < /dev/null > "$2" 2>&1 &
	UPID=$!
}
alive() { vigilctl ping >/dev/null 2>&1; }
nworkers() { pgrep -P "$VPID" -f " -x worker " | wc -l; }
start_vigild() {
	local i
	unit_start vigild.service "$1"
	VPID=$UPID
	for i in $(seq 100); do alive && break; sleep 0.1; done
	for i in $(seq 50); do [ "$(nworkers)" -eq "$2" ] && break; sleep 0.1; done
}
stopped() {
	local i
	for i in $(seq 150); do
		kill -0 "$VPID" 2>/dev/null || { wait "$VPID" 2>/dev/null; return 0; }
		sleep 0.1
	done
	return 1
}

start_vigild "$TMP/vigild.log" 2
ok "vigild answers on $SOCK" alive
is "two workers" "$(nworkers)" 2
is "its workers run as vigil" \
    "$(ps -o user= -p "$(pgrep -d, -P "$VPID" -f " -x worker ")" | sort -u)" vigil
is "under the unit's bounding set and no_new_privs" \
    "$(grep -E '^(NoNewPrivs|CapBnd)' /proc/$VPID/status | awk '{print $2}' | tr '\n' ' ')" \
    "00000000000400ee 1 "
ok "with a read-only file system" \
    eval "! nsenter -t $VPID -m touch /var/lib/vigil/rw 2>/dev/null"

P=$TMP/pub
printf '%s' "$EICAR" > "$P/eicar.com"
printf 'clean\n' > "$P/clean.txt"
mkdir -m 0700 "$TMP/private"
printf '%s' "$EICAR" > "$TMP/private/eicar.com"
chmod 0644 "$P"/*
printf 'LocalSocket %s\n' "$SOCK" > "$P/clamd.conf"
cds() { clamdscan --config-file="$P/clamd.conf" --no-summary "$@" 2>&1; }
asnobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }
is "clamdscan: EICAR found" "$(cds "$P/eicar.com"; echo "status $?")" \
    "$P/eicar.com: Eicar-Test-Signature FOUND
status 1"
is "clamdscan: a clean file" "$(cds "$P/clean.txt"; echo "status $?")" \
    "$P/clean.txt: OK
status 0"
is "clamdscan --stream" "$(cds --stream "$P/eicar.com")" \
    "$P/eicar.com: Eicar-Test-Signature FOUND"
is "clamdscan as nobody: a file nobody may read" \
    "$(asnobody clamdscan --config-file="$P/clamd.conf" --no-summary "$P/eicar.com" 2>&1)" \
    "$P/eicar.com: Eicar-Test-Signature FOUND"
# clamdscan checks access itself: the raw command shows what vigild does
cp "$VIGIL_TOP/t/integ/rawclient.py" "$P/raw.py"
is "as nobody: a file only root may read is refused (setfsuid works)" \
    "$(printf 'zSCAN %s\0' "$TMP/private/eicar.com" |
    asnobody /usr/bin/python3 "$P/raw.py" "$SOCK" 2>&1)" \
    "$TMP/private/eicar.com: File path check failure: Permission denied. ERROR|"
is "root scans it" "$(cds "$TMP/private/eicar.com")" \
    "$TMP/private/eicar.com: Eicar-Test-Signature FOUND"

# vigil-milter from its unit: as vigil, no capability, its socket in the
# shared /run/vigil
M=/run/vigil/milter.sock
if [ -f /lib/systemd/system/vigil-milter.service ]; then
	unit_start vigil-milter.service "$TMP/milter.log"
	MPID=$UPID
	for _ in $(seq 100); do [ -S $M ] && break; sleep 0.1; done
	is "vigil-milter from its unit: socket vigil:vigil 0660" \
	    "$(stat -c %U:%G:%a $M 2>&1)" vigil:vigil:660
	is "running as vigil with no capability" \
	    "$(ps -o user= -p "$MPID"):$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$MPID/status)" \
	    vigil:0000000000000000
	kill "$MPID"
	wait "$MPID"
	is "SIGTERM stops it: status" "$?" 0
	ok "and removes its socket" test ! -e $M
else
	skip 4 "no vigil-milter in this build"
fi

diag "${SECONDS}s"
# --- upgrade to a rebuilt package --------------------------------------------
sed -i '/^\[daemon\]$/a num_workers = 3' /etc/vigil/vigil.cfg
if [ -f /lib/systemd/system/vigil-update.service ]; then
	cond=$(ukey vigil-update.service ExecCondition)
	ok "vigil-update.service: skipped while [mirror] url is unset" \
	    eval "! $cond"
	sed -i '/^\[mirror\]$/a url = http://127.0.0.1:9/vigil_upd' \
	    /etc/vigil/vigil.cfg
	ok "runs once it is set" eval "$cond"
else
	skip 2 "no vigil-update in this build"
fi
vigil-compile -q --serial 5 --install /var/lib/vigil \
    "$VIGIL_TOP/signatures/default" 2>/dev/null
is "a newer generation installed by the site" \
    "$(readlink /var/lib/vigil/current)" gen-5
NEWV="$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)+pkgtest1"
{ printf 'vigil (%s) unstable; urgency=medium\n\n  * Rebuilt by %s.\n\n' \
    "$NEWV" "t/integ/95-package.t"
  printf ' -- The Vigil developers <vigil@example.org>  %s\n\n' "$(date -R)"
  cat "$SRC/debian/changelog"; } > "$TMP/changelog" &&
    cp "$TMP/changelog" "$SRC/debian/changelog"
ok "the rebuilt package (dpkg-buildpackage -nc)" \
    eval "cd '$SRC' && dpkg-buildpackage -us -uc -b -nc -j2 >'$TMP/rebuild.log' 2>&1"
PKG2=$DEB/vigil_${NEWV}_$ARCH.deb
out=$(dpkg -i "$PKG2" 2>&1 </dev/null)
is "dpkg -i upgrades: status" "$?" 0
is "to the new version" "$(dpkg-query -W -f '${Version}' vigil)" "$NEWV"
ok "the changed vigil.cfg is kept" grep -qx 'num_workers = 3' /etc/vigil/vigil.cfg
ok "with no .dpkg-dist beside it" test ! -e /etc/vigil/vigil.cfg.dpkg-dist
is "the current generation is kept" "$(readlink /var/lib/vigil/current)" gen-5
ok "the old vigild survived the upgrade" alive
vigilctl shutdown >/dev/null 2>&1
ok "and stops" stopped
start_vigild "$TMP/vigild2.log" 3
is "restarted from the new unit: num_workers = 3 from the kept file" \
    "$(nworkers)" 3
like "on generation 5" "$(vigilctl version 2>&1)" "^vigild [0-9.]+, generation 5 "
is "clamdscan after the upgrade" "$(cds "$P/eicar.com")" \
    "$P/eicar.com: Eicar-Test-Signature FOUND"

diag "${SECONDS}s"
# --- dpkg -r, dpkg -P -------------------------------------------------------
out=$(dpkg -r vigil 2>&1 </dev/null)
is "dpkg -r: status" "$?" 0
ok "vigild stopped by the removal" stopped
ok "its socket removed" test ! -e "$SOCK"
left=
while read -r f; do
	[ -d "$f" ] && continue
	case $f in /etc/*) continue ;; esac
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done < "$TMP/files"
is "every program, page and unit is gone" "$left" ""
ok "the configuration is kept" grep -qx 'num_workers = 3' /etc/vigil/vigil.cfg
ok "and the user" getent passwd vigil
out=$(dpkg -P vigil 2>&1 </dev/null)
is "dpkg -P: status" "$?" 0
is "nothing of the package in dpkg's database" \
    "$(dpkg-query -W -f '${Status}' vigil 2>/dev/null)" ""
ok "user vigil gone" eval '! getent passwd vigil'
ok "group vigil gone" eval '! getent group vigil'
for d in /etc/vigil /var/lib/vigil /var/spool/vigil /var/log/vigil /run/vigil; do
	ok "$d gone" test ! -e "$d"
done
ok "no unit enabled any more" eval \
    'test ! -e /etc/systemd/system/multi-user.target.wants/vigild.service &&
     test ! -e /etc/systemd/system/timers.target.wants/vigil-update.timer'
# a directory of the listing may stay only when another package has it
left=
while read -r f; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	[ "$f" = /. ] && continue
	if [ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1; then
		continue
	fi
	left="$left $f"
done < "$TMP/files"
is "nothing of dpkg -L vigil left" "$left" ""
