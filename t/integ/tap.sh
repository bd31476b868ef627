# tap.sh - a few TAP helpers for the integration scripts (sourced)
#
#	plan N | skip_all REASON
#	ok DESC CMD...        passes if CMD exits 0
#	is DESC GOT WANT      passes if the strings are equal
#	like DESC GOT REGEX   passes if GOT matches the extended REGEX
#	skip N REASON         N tests skipped
#	diag TEXT             a comment line
#
# What a failed is/like got and wanted goes to stderr as well, as
# Test::More's diag does, so that prove shows it in a quiet run (CI logs).
#
# VIGIL_BUILD (the build directory) and VIGIL_TOP (the tree) come from
# scripts/run-tests; BIN is where the programs are; TMP is a scratch
# directory removed at exit.
set -u
: "${VIGIL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VIGIL_BUILD:=$VIGIL_TOP/build}"
BIN=$VIGIL_BUILD/bin
TMP=$(mktemp -d /tmp/vigil-integ.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '# %s\n' "$*"; }
_faildiag() { printf '# %s\n' "$*" >&2; }
_result() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}
ok() {
	local desc=$1
	shift
	"$@" >/dev/null 2>&1
	_result $? "$desc"
}
is() {
	if [ "$2" = "$3" ]; then
		_result 0 "$1"
	else
		_result 1 "$1"
		_faildiag "$1"
		_faildiag "got:  '$2'"
		_faildiag "want: '$3'"
	fi
}
like() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		_result 0 "$1"
	else
		_result 1 "$1"
		_faildiag "$1"
		_faildiag "got:  '$2'"
		_faildiag "want: /$3/"
	fi
}
skip() {
	local i

	for ((i = 0; i < $1; i++)); do
		_n=$((_n + 1))
		echo "ok $_n # skip $2"
	done
}
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
