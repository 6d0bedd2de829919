#!/usr/bin/env bash
# Runs every libFuzzer target built by `make fuzz` for FUZZ_SECONDS each
# (default 30), one after another, keeping a corpus per target under
# $FUZZ_DIR/corpus and any crash input under $FUZZ_DIR/artifacts.
# Prints one line per target with its run count; exits non-zero if any
# target found a crash, leak, timeout or sanitizer report.
# Usage: tests/fuzz/run.sh [target-name...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${FUZZ_DIR:-$here/../../build-fuzz}
secs=${FUZZ_SECONDS:-30}
rss=${FUZZ_RSS_MB:-2048}
bad=()

if [ $# -eq 0 ]; then
	set -- $(cd "$dir/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null)
fi
[ $# -gt 0 ] || { echo "no fuzz targets in $dir/fuzz: run 'make fuzz' first" >&2; exit 1; }
mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/logs"
# committed seed inputs, read beside the working corpus
seeds=$here/corpus
for name in "$@"; do
	name=$(basename "$name" .c)
	bin=$dir/fuzz/$name
	[ -x "$bin" ] || { echo "missing $bin" >&2; bad+=("$name"); continue; }
	mkdir -p "$dir/corpus/$name"
	log=$dir/logs/$name.log
	"$bin" -max_total_time="$secs" -rss_limit_mb="$rss" -timeout=25 \
		-artifact_prefix="$dir/artifacts/$name-" "$dir/corpus/$name" \
		$( [ -d "$seeds/$name" ] && printf '%s' "$seeds/$name") \
		>"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		printf 'ok   %-20s %10s runs in %ss\n' "$name" "${runs:-?}" "$secs"
	else
		bad+=("$name")
		printf 'FAIL %-20s rc=%d (log: %s)\n' "$name" "$rc" "$log"
		grep -m 3 -E 'ERROR: |runtime error:|SUMMARY' "$log" | sed 's/^/    | /'
	fi
done
[ ${#bad[@]} -eq 0 ] || { echo "failed: ${bad[*]}"; exit 1; }
