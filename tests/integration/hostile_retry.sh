#!/usr/bin/env bash
# `opsdeck get` honours 429 with Retry-After as kubectl does: a list
# answered 429 once is retried after the time asked and its rows print
# (exit 0); a server that always answers 429 is retried a bounded number of
# times, then get fails naming the status and the server's message, and
# never says "No resources found" (it does not know).
# The same holds for Alertmanager polls (get alerts): a 429 with
# Retry-After is retried after the time asked, a bounded number of times;
# a watching client waits for it (bounded) rather than its poll period.
# The servers are tests/integration/fake_kube.py modes busy, busy-always and
# am-slow.
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

# Alertmanager polls too: a poll answered 429 once is tried again after the
# time asked and its alert prints ...
"$OPSDECK" get alerts --kubeconfig "$T/fake-busy.kubeconfig" >"$T/am.out" 2>"$T/am.err" ||
	{ cat "$T/am.err"; fail "busy: get alerts failed on a 429 it should have retried"; }
assert_contains "$(cat "$T/am.out")" "DiskFull" "get alerts stdout"
/usr/bin/python3 - "$T/fake-busy.log.time" <<'PY' || fail "busy: the poll was not retried once, after Retry-After"
import sys
t = [float(l.split()[0]) for l in open(sys.argv[1]) if "/api/v2/alerts" in l]
sys.exit(0 if len(t) == 2 and t[1] - t[0] >= 1.9 else 1)
PY
ok "Alertmanager 429 with Retry-After once: get alerts retries after the time asked"

# ... an Alertmanager always busy is retried a bounded number of times ...
set +e
"$OPSDECK" get alerts --kubeconfig "$T/fake-busy-always.kubeconfig" >"$T/am-always.out" 2>"$T/am-always.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "busy-always: get alerts exit 0"
assert_contains "$(cat "$T/am-always.err")" "HTTP 429: storage is (re)initializing" "get alerts stderr"
n=$(grep -c '/api/v2/alerts' "$T/fake-busy-always.log")
[ "$n" -ge 2 ] && [ "$n" -le 6 ] || fail "busy-always: $n polls (1 to 5 retries expected)"
ok "Alertmanager always 429: $n polls, then a clear error"

# ... and a watching client polls no sooner than Retry-After asks (30 s;
# the poll period is 10 s).
start_fake am-slow
"$OPSDECK" get alerts --watch --kubeconfig "$T/fake-am-slow.kubeconfig" >/dev/null 2>&1 &
watcher=$!
_cleanup_pids+=("$watcher")
wait_for 30 grep -q '/api/v2/alerts' "$T/fake-am-slow.log" || fail "am-slow: no poll"
sleep 15
kill "$watcher" 2>/dev/null || true
n=$(grep -c '/api/v2/alerts' "$T/fake-am-slow.log")
[ "$n" -eq 1 ] || fail "am-slow: $n polls in 15 s after a Retry-After of 30 s"
ok "a watching client waits the Alertmanager's Retry-After (30 s) before polling again"
