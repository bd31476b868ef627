#!/usr/bin/env bash
# vigil-cli, amavisd-new's command-line scanner, against a vigild of its
# own: output lines, exit codes 0-5, --subdir, --action remove, --user
# sections on both sides, failover, hostile names; then the @av_scanners
# entry of conf/amavisd-av_scanners.example, evaluated by perl the way
# amavisd-new 2.13 reads and applies it (Amavis::Conf, Amavis::AV run_av)
. "$(dirname "$0")/tap.sh"
command -v zip >/dev/null || skip_all "zip is not installed"
[ -x /usr/bin/perl ] || skip_all "perl is not installed"
plan 41

cd "$TMP"
SOCK=$TMP/vigild.sock
BASE=$TMP/base
V=$BIN/vigil-cli
$BIN/vigil-compile -q --install "$BASE" "$VIGIL_TOP"/signatures/default ||
    exit 1
# the daemon's configuration: [bob] is a user section vigild applies
cat > vigil.cfg <<EOF
[global]
base_dir = $BASE
log_level = 3
[daemon]
socket = $SOCK
num_workers = 2
user = nobody
pid_file = $TMP/vigild.pid
reload_check_interval = 0
[bob]
max_filesize = 10
EOF
# vigil-cli's own: [alice] is a user section vigil-cli applies
cat > cli.cfg <<EOF
[cli]
daemon_addr = $SOCK
[alice]
max_filesize = 10
EOF
printf '[cli]\ndaemon_addr = %s\nsubdir = yes\n' "$SOCK" > subdir.cfg
printf '[cli]\ndaemon_addr = %s/dead.sock, %s\n' "$TMP" "$SOCK" > fail.cfg
printf '[cli]\ndaemon_addr = 127.0.0.1:3310\n' > tcp.cfg
printf '[cli]\ndaemon_addr = %s\naction = move:/tmp\n' "$SOCK" > move.cfg
printf '[cli]\ndaemon_addr = %s\nno_such_key = 1\n' "$SOCK" > bad.cfg

# files: a clean tree, amavisd-like parts, archives made now
mkdir -p clean/sub parts/sub enc
printf 'just text\n' > clean/a.txt
printf 'more text\n' > clean/sub/b.txt
printf '%s' "$EICAR" > eicar.com
printf 'hello\n' > parts/p001
(zip -q parts/p002 eicar.com && mv parts/p002.zip parts/p002) || exit 1
cp eicar.com parts/sub/p009
(zip -q -P secret enc/p004.zip eicar.com && mv enc/p004.zip enc/p004) ||
    exit 1
{ printf '%s' "$EICAR"; printf 'VIGIL-TEST-SIGNATURE: this is not a virus'; } \
    > two.bin
/usr/bin/python3 - "$EICAR" <<'EOF' || exit 1
import sys, zipfile
with zipfile.ZipFile("hostile.zip", "w") as z:
    z.writestr('a\nobject="x", virus="Fake", action="none"\\"', sys.argv[1])
EOF

$BIN/vigild -f -c vigil.cfg 2> vigild.log &
VPID=$!
trap 'kill $VPID 2>/dev/null; rm -rf "$TMP"' EXIT
for i in $(seq 100); do
	$BIN/vigilctl -s "$SOCK" ping >/dev/null 2>&1 && break
	sleep 0.1
done

# run ARGS...: "STATUS:STDOUT" of vigil-cli -c cli.cfg ARGS
run() { local out rc; out=$($V -c cli.cfg "$@" 2>/dev/null); rc=$?
	printf '%s:%s' "$rc" "$out"; }
line() { printf 'object="%s", virus="%s", action="%s"' "$1" "$2" "${3:-none}"; }
ns() { printf 'object="%s", notscanned="%s"' "$1" "$2"; }
E=Eicar-Test-Signature

# --- verdicts and exit codes ----------------------------------------------
is "a clean directory: 0, no output" "$(run clean)" "0:"
is "a clean tree with --subdir: 0, no output" "$(run --subdir clean)" "0:"
is "the EICAR file: 1 and its line" "$(run "$TMP/eicar.com")" \
    "1:$(line "$TMP/eicar.com" $E)"
is "parts: the member of a zip has its own path; sub/ left out" \
    "$(run "$TMP/parts")" "1:$(line "$TMP/parts/p002/eicar.com" $E)"
is "parts --subdir: sub/ too" "$(run --subdir "$TMP/parts/")" \
    "1:$(line "$TMP/parts/p002/eicar.com" $E)
$(line "$TMP/parts/sub/p009" $E)"
out=$($V -c subdir.cfg "$TMP/parts" 2>/dev/null)
is "subdir = yes in [cli] is --subdir" "$?:$out" \
    "1:$(line "$TMP/parts/p002/eicar.com" $E)
$(line "$TMP/parts/sub/p009" $E)"
is "an encrypted zip: 3 and a notscanned line" "$(run enc)" \
    "3:$(ns enc/p004/eicar.com encrypted)"
is "infected wins over not scanned" "$(run enc eicar.com)" \
    "1:$(ns enc/p004/eicar.com encrypted)
$(line eicar.com $E)"
is "a missing path among others: reported, the scan goes on" \
    "$(run nothing eicar.com)" \
    "1:$(ns nothing 'No such file or directory')
$(line eicar.com $E)"
is "a missing path alone: 3" "$(run nothing)" \
    "3:$(ns nothing 'No such file or directory')"
mkfifo fifo
is "a FIFO: 3, not opened for reading" "$(run fifo)" \
    "3:$(ns fifo 'not a regular file or directory')"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir -p ro && cp eicar.com ro/b && printf 'x\n' > ro/a
	chmod 000 ro/a
	chmod 755 "$TMP" ro
	chmod 644 cli.cfg
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    $V -c cli.cfg "$TMP/ro" 2>/dev/null)
	is "an unreadable file among others: reported, the scan goes on" \
	    "$?:$out" "1:$(ns "$TMP/ro/a" 'Permission denied')
$(line "$TMP/ro/b" $E)"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    $V -c cli.cfg "$TMP/ro/a" 2>/dev/null)
	is "an unreadable file alone: 3" "$?:$out" \
	    "3:$(ns "$TMP/ro/a" 'Permission denied')"
else
	skip 2 "needs root and setpriv to read as nobody"
fi
# vigild's workers already turn a member's control bytes into '_'
is "a member name with quotes is escaped" "$(run hostile.zip)" \
    "1:object=\"hostile.zip/a_object=\\\"x\\\", virus=\\\"Fake\\\", action=\\\"none\\\"/\\\"\", virus=\"$E\", action=\"none\""
mkdir -p nl && cp eicar.com "nl/a\"
object=\"x\", virus=\"Fake\", action=\"none\""
is "a file name cannot forge a line: quotes and controls escaped" \
    "$(run nl)" "1:object=\"nl/a\\\"\\x0aobject=\\\"x\\\", virus=\\\"Fake\\\", action=\\\"none\\\"\", virus=\"$E\", action=\"none\""
is "one name per object without --all-match" "$(run two.bin)" \
    "1:$(line two.bin $E)"
is "--all-match: a line per name" "$(run --all-match two.bin | sort)" \
    "$(printf '%s\n' "1:$(line two.bin $E)" "$(line two.bin \
    Vigil.Test.Signature)" | sort)"

# --- --action remove ------------------------------------------------------
mkdir -p rm/sub && cp eicar.com rm/x && cp parts/p002 rm/z.zip &&
    cp clean/a.txt rm/ && cp eicar.com rm/sub/y
is "--action remove: 2, every infected file gone" \
    "$(run --action remove --subdir rm)" \
    "2:$(line rm/sub/y $E removed)
$(line rm/x $E removed)
$(line rm/z.zip/eicar.com $E removed)"
is "... the clean file stays" "$(cd rm && find . | LC_ALL=C sort | tr '\n' ' ')" \
    ". ./a.txt ./sub "
cp eicar.com target && ln -s target link
is "--action remove never through a symbolic link: 1" \
    "$(run --action remove link)" "1:$(line link $E)"
ok "... whose target stays" test -f target
is "--action none: 1" "$(run --action none target)" "1:$(line target $E)"
cp eicar.com r1 && chmod 555 "$TMP"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 644 cli.cfg
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    $V -c cli.cfg --action remove "$TMP/r1" 2>/dev/null)
	is "a removal that fails: 1, action none" "$?:$out" \
	    "1:$(line "$TMP/r1" $E)"
else
	skip 1 "needs root and setpriv to run as nobody"
fi
chmod 700 "$TMP"

# --- sections: [cli], --user on both sides --------------------------------
is "--user alice: her section of vigil-cli's file lowers a limit" \
    "$(run --user alice eicar.com)" "3:$(ns eicar.com 'limit: file size')"
is "--user bob: his section of vigild's file applies" \
    "$(run --user bob eicar.com)" "3:$(ns eicar.com 'limit: file size')"
is "--user carol: no section, the defaults" "$(run --user carol eicar.com)" \
    "1:$(line eicar.com $E)"
out=$($V -c fail.cfg eicar.com 2>/dev/null)
is "daemon_addr fails over to the next socket" "$?:$out" \
    "1:$(line eicar.com $E)"

# --- usage and configuration: 5 -------------------------------------------
# oneline CMD...: "STATUS:OUTPUT" with stderr, lines joined by '|'
oneline() { local out rc; out=$("$@" 2>&1); rc=$?
	printf '%s:%s' "$rc" "$out" | tr '\n' '|'; }
is "an unknown option: 5 and the usage" \
    "$(oneline $V -c cli.cfg --bogus eicar.com)" \
    "5:vigil-cli: unrecognized option '--bogus'|usage: vigil-cli [-c file] [-u name] [-s socket] [--subdir] [--action none|remove]|                 [--all-match] dir|file ..."
like "no operand: 5" "$(oneline $V -c cli.cfg)" "^5:usage: vigil-cli"
out=$($V -c cli.cfg --action move:/tmp eicar.com 2>&1)
is "--action move: 5" "$?:$out" \
    "5:vigil-cli: action move:/tmp: expected none or remove (delete)"
out=$($V -c move.cfg eicar.com 2>&1)
is "action = move:/DIR in [cli]: 5" "$?:$out" \
    "5:vigil-cli: action move:/tmp: expected none or remove (delete)"
out=$($V -c bad.cfg eicar.com 2>&1)
is "an unknown key: 5 with file:line" "$?:$out" \
    "5:vigil-cli: bad.cfg:3: unknown key \"no_such_key\""
is "only a TCP daemon_addr: 5" "$(oneline $V -c tcp.cfg eicar.com)" \
    "5:vigil-cli: daemon_addr 127.0.0.1:3310: only unix sockets are supported, skipped|vigil-cli: daemon_addr names no unix socket"

# --- the amavisd-new entry, applied as amavisd-new 2.13 applies it -------------
# amavis FILES: the entry's verdict over a fake $tempdir/parts holding
# FILES; the vigil-cli found in PATH is a wrapper that adds -c cli.cfg
# (amavisd's would read /etc/vigil/vigil.cfg); the entry's absolute
# candidates are looked up by name in PATH too, so that a vigil-cli
# installed on the machine (the package test installs one) is not used
mkdir -p amavis wbin
printf '#!/bin/sh\nexec %s -c %s "$@"\n' "$V" "$TMP/cli.cfg" > wbin/vigil-cli
chmod 755 wbin/vigil-cli
cat > amavis.pl <<'EOF'
# Reads the example as Amavis::Conf::read_config_file() does (do FILE in
# package Amavis::Conf, @av_scanners declared there), takes its entry,
# finds the program as find_external_programs() does, expands '{}' and
# runs it as Amavis::AV::run_av() does (stderr into stdout), then decides
# as run_av() does: infected codes first, then clean, else a failure;
# virus names are the entry's regexp matched with /gm.
package Amavis::Conf;
use strict;
use warnings;
use POSIX qw(WIFEXITED WEXITSTATUS);
use vars qw(@av_scanners @av_scanners_backup);
my ($file, $tempdir) = @ARGV;
$! = 0;
my $rv = do $file;
die "Error in config file: $@" if $@ ne '';
die "config file did not return true" unless $rv;
die "backup list not empty\n" if @av_scanners_backup;
die "not one entry\n" if @av_scanners != 1;
my ($name, $cmd, $args, $clean, $infected, $names) = @{$av_scanners[0]};
my $prog;
# The test looks every candidate up by its name in PATH, where the test's
# wrapper comes first: an installed /usr/bin/vigil-cli must not answer.
for my $p (map { s{.*/}{}r } (ref $cmd ? @$cmd : $cmd)) {
	for my $d ($p =~ m{/} ? ('') : split(/:/, $ENV{PATH})) {
		my $f = $d eq '' ? $p : "$d/$p";
		if (-x $f && !-d $f) { $prog = $f; last }
	}
	last if defined $prog;
}
die "no program\n" unless defined $prog;
my @q = map { m{^\{\}(/.*)?\z}s ? "$tempdir/parts" . ($1 // '') : $_ }
    split(' ', $args);
chdir("$tempdir/parts") or die "chdir: $!";
open(my $fh, '-|') // die "fork: $!"
    or do { open(STDERR, '>&', \*STDOUT); exec($prog, @q); exit 127 };
my $out = do { local $/; <$fh> } // '';
close($fh);
my $st = $?;
chomp $out;
my $verdict;
if (!WIFEXITED($st)) {
	$verdict = "failed";
} elsif (ref $infected eq 'ARRAY' ? grep($_ == WEXITSTATUS($st), @$infected)
    : $out =~ /$infected/m) {
	my @n = grep(defined, $out =~ /$names/gm);
	$verdict = "infected: " . join(', ', @n);
} elsif (ref $clean eq 'ARRAY' ? grep($_ == WEXITSTATUS($st), @$clean)
    : $out =~ /$clean/m) {
	$verdict = "clean";
} else {
	$verdict = "failed (exit " . WEXITSTATUS($st) . ")";
}
print "$name, $prog @q: $verdict\n";
EOF
amavis() {
	rm -rf amavis/parts && mkdir amavis/parts && cp "$@" amavis/parts/ &&
	    PATH="$TMP/wbin:$PATH" /usr/bin/perl amavis.pl \
	    "$VIGIL_TOP/conf/amavisd-av_scanners.example" "$TMP/amavis" 2>&1
}
A="Vigil CLI, $TMP/wbin/vigil-cli --subdir $TMP/amavis/parts"
is "amavisd: clean parts are clean" "$(amavis clean/a.txt parts/p001)" \
    "$A: clean"
is "amavisd: infected, every name (archive member too)" \
    "$(amavis clean/a.txt eicar.com parts/p002)" \
    "$A: infected: $E, $E"
is "amavisd: a hostile file name gives only the real name" \
    "$(amavis nl/* hostile.zip clean/a.txt)" "$A: infected: $E, $E"
is "amavisd: an encrypted part is a scanner failure (defer)" \
    "$(amavis enc/p004 clean/a.txt)" "$A: failed (exit 3)"
is "amavisd: infected and encrypted: infected" \
    "$(amavis enc/p004 eicar.com)" "$A: infected: $E"

# --- vigild gone: 4 -------------------------------------------------------
kill $VPID
for i in $(seq 100); do kill -0 $VPID 2>/dev/null || break; sleep 0.1; done
out=$($V -c cli.cfg eicar.com 2>&1 >/dev/null)
is "vigild stopped: 4, nothing on stdout" "$?:$($V -c cli.cfg eicar.com \
    2>/dev/null)" "4:"
like "... and why on stderr" "$out" "^vigil-cli: cannot reach vigild: "
is "amavisd: vigild stopped is a scanner failure" \
    "$(amavis eicar.com)" "$A: failed (exit 4)"
