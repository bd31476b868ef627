#!/usr/bin/env bash
# 90-fuzz-smoke.t - every fuzzer over its seeds, then a bounded new run
#
# For each $VIGIL_BUILD/fuzz/fuzz_X (make fuzz), libFuzzer replays the seed
# corpus t/fuzz/corpus/fuzz_X and then tries FUZZ_SMOKE_RUNS new inputs
# (20000), stopping early when the fuzzer's share of FUZZ_SMOKE_TIME
# seconds (90 for all of them; 3 to 15 each) is spent, so that the whole
# test stays well under two minutes on two cores.  New corpus entries go
# to a scratch directory, never into the tree.  A crash, a sanitizer
# report, a leak, a timeout or the RSS limit fails the fuzzer's test; its
# log tail is printed as diagnostics and the reproducer is kept in
# FUZZ_SMOKE_KEEP (/tmp/vigil-fuzz-smoke) for a look afterwards.
#
# A corpus may hold signature sources in a sources/ subdirectory (the
# module fuzzer's does): each of them, and all of them together, are
# compiled with the vigil-compile of this build into the scratch corpus,
# so that the seeds follow the module format as it changes.
. "$(dirname "$0")/tap.sh"

RUNS=${FUZZ_SMOKE_RUNS:-20000}
BUDGET=${FUZZ_SMOKE_TIME:-90}
KEEP=${FUZZ_SMOKE_KEEP:-/tmp/vigil-fuzz-smoke}

fuzzers=()
for f in "$VIGIL_BUILD"/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] && fuzzers+=("$f")
done
[ ${#fuzzers[@]} -gt 0 ] || skip_all "fuzzers not built"
plan ${#fuzzers[@]}
SECS=$((BUDGET / ${#fuzzers[@]}))
[ "$SECS" -ge 3 ] || SECS=3
[ "$SECS" -le 15 ] || SECS=15

for f in "${fuzzers[@]}"; do
	name=${f##*/}
	seeds=$VIGIL_TOP/t/fuzz/corpus/$name
	out=$TMP/corpus-$name
	log=$TMP/$name.log
	mkdir -p "$out"
	if [ -d "$seeds/sources" ] && [ -x "$BIN/vigil-compile" ]; then
		k=0
		for src in "$seeds"/sources/* "$seeds/sources"; do
			k=$((k + 1))
			"$BIN/vigil-compile" -q --serial "$k" \
			    -o "$out/fresh-$k.vmod" "$src" >/dev/null 2>&1
		done
	fi
	dirs=("$out")
	[ -d "$seeds" ] && dirs+=("$seeds")
	start=$SECONDS
	"$f" -runs="$RUNS" -max_total_time="$SECS" -rss_limit_mb=2048 \
	    -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$TMP/$name-" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	secs=$((SECONDS - start))
	_result "$rc" "$name: seeds and ${execs:-?} runs in $secs s"
	if [ "$rc" -ne 0 ]; then
		mkdir -p "$KEEP"
		for a in "$TMP/$name-"*; do
			[ -f "$a" ] || continue
			cp "$a" "$KEEP/" && diag "reproducer: $KEEP/${a##*/}"
		done
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" |
		    head -n 25 | while IFS= read -r line; do diag "$line"; done
	fi
done
exit 0
