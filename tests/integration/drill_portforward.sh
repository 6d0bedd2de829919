#!/usr/bin/env bash
# pods/portforward on the drill, SPDY/3.1 as kubectl 1.31+ speaks it
# (tunnelled over WebSocket) and as older kubectl does (the connection
# upgraded to SPDY itself): curl through `kubectl port-forward` reaches the
# simulated pod on its containerPort, once per connection; a port the pod
# does not listen on is refused on the error stream; the viewer is
# forbidden pods/portforward.
. "$(dirname "$0")/../lib/common.sh"

K33=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
K27=/usr/lib/google-cloud-sdk/bin/kubectl.1.27
[ -x "$K33" ] || skip "kubectl 1.33 not installed"
command -v curl >/dev/null || skip "curl not installed"

start_drill estate
k() { "$K33" --context staging -n staging "$@"; }
wait_for 60 k get deploy backend || fail "no staging backend"
pod=$(running_pod app=backend) || exit 1

# forward PORTSPEC CONTEXT [KUBECTL]: start kubectl port-forward, LPORT its local port
forward() {
	"${3:-$K33}" --context "$2" -n staging port-forward "pod/$pod" "$1" >"$T/pf.out" 2>"$T/pf.err" &
	PF_PID=$!
	_cleanup_pids+=("$PF_PID")
}
local_port() { LPORT=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) -> .*/\1/p' "$T/pf.out" | head -1); [ -n "$LPORT" ]; }

forward :3000 staging
wait_for 30 local_port || { cat "$T/pf.err" >&2; fail "no Forwarding line"; }
out=$(curl -sS --max-time 10 "http://127.0.0.1:$LPORT/health/ready") || fail "curl through the forward"
[ "$out" = "hello from $pod (namespace staging), port 3000: GET /health/ready" ] ||
	fail "curl got: $out"
out=$(curl -sS --max-time 10 -X POST --data 'a=1' "http://127.0.0.1:$LPORT/again%1b") ||
	fail "a second connection"
assert_contains "$out" "port 3000: POST /again%1b"
ok "curl through kubectl port-forward reaches $pod:3000 (twice)"
kill "$PF_PID" 2>/dev/null || true; wait "$PF_PID" 2>/dev/null || true

forward :3999 staging
wait_for 30 local_port || { cat "$T/pf.err" >&2; fail "no Forwarding line"; }
curl -sS --max-time 10 "http://127.0.0.1:$LPORT/" >/dev/null 2>&1 && fail "a closed port answered"
wait_for 30 grep -q "connection refused" "$T/pf.err" || { cat "$T/pf.err" >&2; fail "no refusal"; }
assert_contains "$(cat "$T/pf.err")" "failed to connect to localhost:3999 inside the pod $pod"
ok "a port the pod does not listen on is refused"
kill "$PF_PID" 2>/dev/null || true; wait "$PF_PID" 2>/dev/null || true

rc=0; err=$(timeout 20 "$K33" --context viewer@staging -n staging port-forward "pod/$pod" :3000 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "the viewer forwarded"
assert_contains "$err" 'cannot create resource "pods/portforward"'
ok "the viewer is forbidden pods/portforward"

if [ -x "$K27" ]; then
	forward :3000 staging "$K27"
	wait_for 30 local_port || { cat "$T/pf.err" >&2; fail "1.27: no Forwarding line"; }
	out=$(curl -sS --max-time 10 "http://127.0.0.1:$LPORT/old") || fail "curl through 1.27"
	assert_contains "$out" "hello from $pod (namespace staging), port 3000: GET /old"
	kill "$PF_PID" 2>/dev/null || true; wait "$PF_PID" 2>/dev/null || true
	ok "kubectl 1.27 (the connection upgraded to SPDY itself) reaches the pod too"
fi
