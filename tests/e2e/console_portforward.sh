#!/usr/bin/env bash
# The port-forward key (F) on a pod or a service: the console starts
# `kubectl port-forward` as a child it keeps, the port-forwards view shows
# it forwarding with its local port, curl through that port reaches the
# drill's simulated pod (the connection counted), Ctrl-D in the view stops
# it, and quitting the console stops the rest; start and end are audited.
# Protected contexts ask for the typed name; RBAC and --read-only refuse.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"
command -v curl >/dev/null 2>&1 || skip "curl not installed"

start_drill estate
k() { kubectl --context staging -n staging "$@"; }
wait_for 60 k get deploy backend || fail "no staging backend"
pod=$(k get pods -l app=backend -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort | head -1)
phase_is() { [ "$(k get pod "$1" -o jsonpath='{.status.phase}')" = "$2" ]; }
wait_for 60 phase_is "$pod" Running || fail "$pod is not running"
k apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: backend-svc
spec:
  selector:
    app: backend
  ports:
  - port: 8081
    targetPort: 3000
EOF

start_console --kubeconfig "$KUBECONFIG" --context staging,prod-tokyo
first_staging_backend "$pod"
forward_pod "$pod" 3000
lport=$PF_LPORT
out=$(curl -sS --max-time 10 "http://127.0.0.1:$lport/through-the-console") || fail "curl"
[ "$out" = "hello from $pod (namespace staging), port 3000: GET /through-the-console" ] ||
	fail "curl got: $out"
expect 10 "the connection is counted" line_matches_any "pod/$pod:3000 +staging +forwarding +1 "
ok "F forwarded 127.0.0.1:$lport to $pod:3000; curl reached the pod"

key g
key C-d
wait_screen 10 "stopping port-forward"
expect 30 "the forward ended" line_matches_any "pod/$pod:3000 .* ended .*stopped"
curl -sS --max-time 5 "http://127.0.0.1:$lport/" >/dev/null 2>&1 && fail "still forwarding after C-d"
ok "C-d in the view stopped it"

# a service: kubectl picks a pod behind it and the service's targetPort
cmd "svc @staging staging"
wait_screen 30 "backend-svc"
keys "/backend-svc"; key Enter
wait_screen 10 "filter:/backend-svc/"
key g
key F
wait_screen 30 "port-forward LOCAL:REMOTE (LOCAL 0: any free port): 8081:8081"
key C-u; keys "0:8081"; key Enter
wait_screen 30 "started: svc/backend-svc on 127.0.0.1"
cmd "pf"
expect 30 "the service forward is up" forwarding "svc/backend-svc:8081"
sport=$(local_port "svc/backend-svc:8081")
out=$(curl -sS --max-time 10 "http://127.0.0.1:$sport/svc") || fail "curl through the service"
assert_contains "$out" "(namespace staging), port 3000: GET /svc"
ok "F on a service forwards to a pod behind it"

# a protected context asks for its name; Esc cancels
cmd "pods @prod-tokyo production"
wait_screen 30 "pods @prod-tokyo"
wait_for 30 line_matches_any "^[a-z].*Running" || fail "no prod-tokyo pods"
key g
key F
wait_screen 30 "port-forward LOCAL:REMOTE"
key Enter
wait_screen 30 "type prod-tokyo"
assert_contains "$(screen)" "kubectl port-forward, kept by the console"
key Escape
wait_screen 10 "cancelled"
ok "a protected context asks for its name first"

# quitting stops what still runs (the service forward)
quit_console
tm kill-server 2>/dev/null || true
curl -sS --max-time 5 "http://127.0.0.1:$sport/" >/dev/null 2>&1 && fail "still forwarding after quit"
ok "quitting the console stopped the service forward"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "port-forward audit"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
pf = [o for o in lines if o["verb"] == "port-forward"]
intents = [o for o in pf if o["phase"] == "intent"]
assert len(intents) == 2, intents
for i in intents:
    out = [o for o in pf if o.get("intent") == i["id"]]
    assert [o["outcome"] for o in out] == ["ok", "ok"], out
    assert out[0]["message"].startswith("started: "), out
    assert out[1]["message"].startswith("ended after ") and out[1]["message"].endswith("stopped"), out
    assert out[1]["time"] > out[0]["time"], out
assert {i["target"]["kind"] for i in intents} == {"pods", "services"}, intents
cancelled = [o for o in pf if o["outcome"] == "cancelled"]
assert len(cancelled) == 1 and cancelled[0]["context"] == "prod-tokyo", cancelled
print("audit: two forwards, each started and ended; the protected one cancelled")
PY
audit_check_intents port-forward

# RBAC: the viewer may not create pods/portforward; --read-only refuses
key_on_pod "$pod" F "forbidden by RBAC: drill-viewer may not create pods/portforward" \
	--kubeconfig "$KUBECONFIG" --context viewer@staging
ok "RBAC refuses the viewer's port-forward"
key_on_pod "$pod" F "refused: read-only" --kubeconfig "$KUBECONFIG" --context staging --read-only
ok "--read-only refuses the port-forward"
