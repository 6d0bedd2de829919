#!/usr/bin/env bash
# The cluster states keep the promise the README and opsdeck(1) make: a live
# cluster that hangs (accepts connections, never answers) is stale within
# 8 s of the hang (a /version probe every 5 s, late after 3 s) and takes
# its failure state, unreachable with the age of its data, by 30 s; it is
# live again once it answers. (It once took 13 s to turn stale and ~63 s to
# turn unreachable.) The bounds below add 4 s of slack for a loaded host;
# this is the documented contract, not a speed measurement.
. "$(dirname "$0")/../lib/common.sh"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate
reach() {	# STATE: switch prod-tokyo through another cluster's API
	echo '{}' | kubectl --context staging create --raw \
		"/drill/v1/reach?cluster=prod-tokyo&state=$1" -f - >/dev/null
}
# stderr lines, each prefixed with the seconds since the epoch it came at
"$OPSDECK" get pods -A --context prod-tokyo --watch >"$T/out" \
	2> >(while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N)" "$l"; done >"$T/err") &
_cleanup_pids+=($!)
wait_for 60 grep -q '^prod-tokyo ' "$T/out" || fail "no rows before the fault"
sleep 1

t0=$(date +%s.%N)
reach hang
wait_for 60 grep -q 'prod-tokyo: unreachable' "$T/err" || { cat "$T/err"; fail "never unreachable"; }
cat "$T/err"
at() { awk -v t0="$t0" -v re="$1" '$0 ~ re { printf "%.1f\n", $1 - t0; exit }' "$T/err"; }
stale=$(at 'prod-tokyo: stale: not answering')
unreach=$(at 'prod-tokyo: unreachable: .*\(data from [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\)')
[ -n "$stale" ] || fail "no stale line before unreachable"
[ -n "$unreach" ] || fail "unreachable without the age of its data"
awk -v s="$stale" -v u="$unreach" 'BEGIN { exit !(s < u) }' || fail "unreachable ($unreach s) before stale ($stale s)"
awk -v s="$stale" 'BEGIN { exit !(s <= 12) }' || fail "stale after ${stale}s (promised within 8 s)"
awk -v u="$unreach" 'BEGIN { exit !(u <= 34) }' || fail "unreachable after ${unreach}s (promised by 30 s)"
ok "hung cluster: stale after ${stale}s, unreachable after ${unreach}s"

reach ok
wait_for 60 sh -c "sed -n '/prod-tokyo: unreachable/,\$p' '$T/err' | grep -q 'prod-tokyo: live'" ||
	{ cat "$T/err"; fail "never live again"; }
ok "live again once it answers"
