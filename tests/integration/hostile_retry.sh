#!/usr/bin/env bash
# `opsdeck get` honours 429 with Retry-After as kubectl does: a list
# answered 429 once is retried after the time asked and its rows print
# (exit 0); a server that always answers 429 is retried a bounded number of
# times, then get fails naming the status and the server's message, and
# never says "No resources found" (it does not know).
# The servers are tests/integration/fake_kube.py modes busy and busy-always.
. "$(dirname "$0")/../lib/common.sh"

start_fake busy
"$OPSDECK" get pods -A --kubeconfig "$T/fake-busy.kubeconfig" >"$T/busy.out" 2>"$T/busy.err" ||
	{ cat "$T/busy.err"; fail "busy: get failed on a 429 it should have retried"; }
assert_contains "$(cat "$T/busy.out")" "pod-a0" "busy stdout"
[ "$(grep -c 'pods?limit=500' "$T/fake-busy.log")" = 2 ] ||
	{ cat "$T/fake-busy.log"; fail "busy: not exactly one retry"; }
/usr/bin/python3 - "$T/fake-busy.log.time" <<'PY' || fail "busy: retried before Retry-After"
import sys
t = [float(l.split()[0]) for l in open(sys.argv[1]) if "limit=500" in l]
sys.exit(0 if t[1] - t[0] >= 1.9 else 1)
PY
ok "429 with Retry-After once: get retries after the time asked and prints the rows"

start_fake busy-always
set +e
"$OPSDECK" get pods -A --kubeconfig "$T/fake-busy-always.kubeconfig" >"$T/always.out" 2>"$T/always.err"
rc=$?
set -e
cat "$T/always.err"
[ "$rc" -ne 0 ] || fail "busy-always: exit 0"
err=$(cat "$T/always.err")
assert_contains "$err" "fake-busy-always: pods: error: HTTP 429: storage is (re)initializing" "stderr"
assert_not_contains "$err" "No resources found" "stderr"
n=$(grep -c 'pods?limit=500' "$T/fake-busy-always.log")
[ "$n" -ge 2 ] && [ "$n" -le 6 ] || fail "busy-always: $n lists (1 to 5 retries expected)"
ok "always 429: $n attempts, then a clear error and a non-zero exit"
