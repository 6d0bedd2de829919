#!/usr/bin/env bash
# Runs every test: the cmocka unit binaries given as arguments, then each
# regress script under tests/integration and tests/e2e. A script passes with
# exit 0, is skipped with exit 77, fails otherwise. Ends with the line
# "N passed, N failed, N skipped" and exits non-zero if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export OPSDECK=${OPSDECK:-$here/../build/opsdeck}
export TESTS_DIR=$here
export SHARED=${SHARED:-$(cd "$here/../.." && pwd)/shared}
out=${TESTS_OUT:-$here/out}
mkdir -p "$out"
pass=0 fail=0 skip=0 failed=()

run_one() {	# name, timeout, command...
	local name=$1 limit=$2; shift 2
	local log="$out/$(echo "$name" | tr '/' '_').log" rc
	local t0=$SECONDS
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS %-48s %3ds\n' "$name" $((SECONDS - t0)) ;;
	77) skip=$((skip + 1)); printf 'SKIP %-48s %s\n' "$name" "$(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed+=("$name")
	   printf 'FAIL %-48s rc=%d (log: %s)\n' "$name" "$rc" "$log"
	   tail -n 30 "$log" | sed 's/^/    | /' ;;
	esac
}

for t in "$@"; do
	run_one "unit/$(basename "$t")" 300 "$t"
done
if [ -z "${TESTS_ONLY_UNIT:-}" ]; then
	for t in "$here"/integration/*.sh "$here"/e2e/*.sh; do
		[ -e "$t" ] || continue
		case " ${TESTS_FILTER:-} " in "  ") ;; *" $(basename "$t" .sh) "*) ;; *) continue ;; esac
		run_one "$(basename "$(dirname "$t")")/$(basename "$t" .sh)" 600 bash "$t"
	done
fi
echo
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
