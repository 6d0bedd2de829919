#!/usr/bin/env bash
# Runs every libFuzzer target built by `make fuzz`, one after another,
# keeping a corpus per target under $FUZZ_DIR/corpus and any crash input
# under $FUZZ_DIR/artifacts. Each target runs for FUZZ_SECONDS (default 30)
# or, with FUZZ_RUNS set (a campaign: make fuzz-campaign), to FUZZ_RUNS
# executions. A target's extra libFuzzer flags (its -max_len, and why) are
# in tests/fuzz/<target>.options, one flag a line, # for comments.
# Prints one line per target: runs, executions per second, wall seconds;
# exits non-zero if any target found a crash, leak, timeout or sanitizer
# report.
# Usage: tests/fuzz/run.sh [target-name...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${FUZZ_DIR:-$here/../../build-fuzz}
secs=${FUZZ_SECONDS:-30}
runs_goal=${FUZZ_RUNS:-}
rss=${FUZZ_RSS_MB:-2048}
bad=()

if [ $# -eq 0 ]; then
	set -- $(cd "$dir/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null)
fi
[ $# -gt 0 ] || { echo "no fuzz targets in $dir/fuzz: run 'make fuzz' first" >&2; exit 1; }
mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/logs"
# committed seed inputs, read beside the working corpus
seeds=$here/corpus
if [ -n "$runs_goal" ]; then
	limit=(-runs="$runs_goal")
else
	limit=(-max_total_time="$secs")
fi
for name in "$@"; do
	name=$(basename "$name" .c)
	bin=$dir/fuzz/$name
	[ -x "$bin" ] || { echo "missing $bin" >&2; bad+=("$name"); continue; }
	mkdir -p "$dir/corpus/$name"
	log=$dir/logs/$name.log
	opts=()
	if [ -f "$here/$name.options" ]; then
		read -r -a opts < <(sed 's/#.*//' "$here/$name.options" | tr '\n' ' ')
	fi
	t0=$(date +%s.%N)
	"$bin" "${limit[@]}" "${opts[@]}" -rss_limit_mb="$rss" -timeout=25 \
		-artifact_prefix="$dir/artifacts/$name-" "$dir/corpus/$name" \
		$( [ -d "$seeds/$name" ] && printf '%s' "$seeds/$name") \
		>"$log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ -z "$runs" ]; then	# stopped by a finding: the last status line's count
		runs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -n 1)
	fi
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	rate=$(awk -v r="${runs:-0}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b > a) ? r / (b - a) : 0 }')
	if [ $rc -eq 0 ]; then
		printf 'ok   %-20s %10s runs %8s/s %6ss\n' "$name" "${runs:-?}" "$rate" "$wall"
	else
		bad+=("$name")
		printf 'FAIL %-20s %10s runs %8s/s %6ss rc=%d (log: %s)\n' "$name" "${runs:-?}" "$rate" "$wall" "$rc" "$log"
		grep -m 3 -E 'ERROR: |runtime error:|SUMMARY' "$log" | sed 's/^/    | /'
	fi
done
[ ${#bad[@]} -eq 0 ] || { echo "failed: ${bad[*]}"; exit 1; }
