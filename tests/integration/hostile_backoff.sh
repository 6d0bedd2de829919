#!/usr/bin/env bash
# A server that expires every watch (HTTP 410, or an ERROR 410 event) is
# listed again through the reflector's backoff (0.8 s doubling to 30 s with
# jitter), not at once: over ~10 s the console's client sends a handful of
# requests, where an immediate relist sends hundreds a second.
# The server is tests/integration/fake_kube.py (plain HTTP).
. "$(dirname "$0")/../lib/common.sh"
# Backoff sleeps 0.8+1.6+3.2+6.4 s (at least, jitter adds up to as much):
# at most 5 lists and 5 watches fit in 10 s; 40 leaves room for slow starts
# and is still far below a storm.
BOUND=40

for mode in expired expired-event; do
	start_fake "$mode"
	"$OPSDECK" get pods -A --watch -o json --kubeconfig "$T/fake-$mode.kubeconfig" \
		>"$T/$mode.out" 2>"$T/$mode.err" &
	pid=$!
	_cleanup_pids+=($pid)
	wait_for 30 grep -q '"name":"pod-a0"' "$T/$mode.out" ||
		{ cat "$T/$mode.err"; fail "$mode: the first list never printed"; }
	start=$(grep -c 'pods' "$T/fake-$mode.log" || true)
	sleep 10
	kill -0 "$pid" 2>/dev/null || fail "$mode: get --watch exited"
	end=$(grep -c 'pods' "$T/fake-$mode.log" || true)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	n=$((end - start))
	lists=$(grep -c 'pods?limit=500' "$T/fake-$mode.log" || true)
	echo "$mode: $n pod requests in 10 s ($lists lists in all)"
	[ "$n" -le "$BOUND" ] || fail "$mode: $n requests in 10 s (bound $BOUND): no backoff"
	[ "$lists" -ge 3 ] || fail "$mode: only $lists lists: the expired watch was not followed by a relist"
	ok "$mode: a watch that always expires relists through the backoff ($n requests in 10 s)"
done
