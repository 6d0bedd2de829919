#!/usr/bin/env bash
# The shipped drill scenarios through real kubectl against `opsdeck drill
# serve`: bad-rollout crash-loops backend and fires PodCrashLooping until
# `kubectl rollout undo` resolves it; region-outage makes prod-tokyo refuse
# connections and is resolved by scaling prod-osaka; a cluster-unreachable
# fault in hang mode makes requests time out, then recovers.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

K="kubectl --request-timeout=20s"
AM=/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/api/v2/alerts

status() { $K --context "${STATUS_CTX:-prod-tokyo}" get --raw /drill/v1/status; }
resolved() { [ "$(status | jq -r .resolved)" = true ]; }
# firing CONTEXT ALERTNAME: the alert is active on that cluster's Alertmanager.
firing() {
	$K --context "$1" get --raw "$AM" |
		jq -e --arg a "$2" 'any(.[]; .labels.alertname == $a and .status.state == "active")' >/dev/null
}
crashlooping() {
	$K --context prod-tokyo get pods -n production -l app=backend | grep -q CrashLoopBackOff
}
restarted_twice() {
	$K --context prod-tokyo get pods -n production -l app=backend -o json |
		jq -e 'any(.items[]; .status.containerStatuses[0].restartCount >= 2)' >/dev/null
}
stop_drill() {
	kill "$DRILL_PID" 2>/dev/null || true
	wait "$DRILL_PID" 2>/dev/null || true
	rm -f "$KUBECONFIG"
}

# --- bad-rollout: the fault lands at t=20 s simulated, 2 s at speed 10.
start_drill bad-rollout --speed 10
wait_for 60 crashlooping || fail "backend never went into CrashLoopBackOff"
ok "bad-rollout: backend pods in CrashLoopBackOff"
wait_for 60 firing prod-tokyo PodCrashLooping || fail "PodCrashLooping never fired"
wait_for 60 firing prod-tokyo HighErrorRate || fail "HighErrorRate never fired"
ok "bad-rollout: PodCrashLooping and HighErrorRate firing"
[ "$(status | jq -r .resolved)" = false ] || fail "resolved before any fix"
[ "$(status | jq -r '.faults[0].injected | type')" = string ] || fail "fault not marked injected"
wait_for 90 restarted_twice || fail "restart count does not climb"
pod=$($K --context prod-tokyo get pods -n production -l app=backend -o json |
	jq -r '[.items[] | select(.status.containerStatuses[0].restartCount >= 2)][0].metadata.name')
prev=$($K --context prod-tokyo logs -n production "$pod" --previous)
assert_contains "$prev" "Config validation error" "previous logs of $pod"
ok "bad-rollout: previous instance logs show the crash"
hist=$($K --context prod-tokyo rollout history deployment/backend -n production)
assert_contains "$hist" "v2.4.0-bad" "rollout history"
$K --context prod-tokyo rollout undo deployment/backend -n production
$K --context prod-tokyo rollout status deployment/backend -n production --timeout=120s ||
	fail "rollout status after undo"
wait_for 60 resolved || { status >&2; fail "not resolved after rollout undo"; }
st=$(status)
[ "$(jq -r '.timeToMitigateSeconds | type' <<<"$st")" = number ] || fail "no timeToMitigateSeconds: $st"
[ "$(jq -r '.resolvedAt | type' <<<"$st")" = string ] || fail "no resolvedAt: $st"
ok "bad-rollout: rollout undo resolves the drill ($(jq -r .timeToMitigateSeconds <<<"$st") s)"
wait_for 60 sh -c "! $K --context prod-tokyo get pods -n production -l app=backend | grep -q CrashLoopBackOff" ||
	fail "crash-looping pods remain after undo"
stop_drill

# --- region-outage: prod-tokyo refuses from t=10 s simulated.
start_drill region-outage --speed 10
STATUS_CTX=prod-osaka
refused() {
	local out
	out=$($K --context prod-tokyo --request-timeout=5s get ns 2>&1) && return 1
	case "$out" in *refused*) return 0 ;; *) return 1 ;; esac
}
wait_for 60 refused || fail "prod-tokyo still answers"
ok "region-outage: prod-tokyo refuses connections"
[ "$(status | jq -r '.clusters[] | select(.name=="prod-tokyo") | .reachable')" = false ] ||
	fail "status does not show prod-tokyo unreachable"
wait_for 60 firing prod-osaka ServiceDown || fail "ServiceDown never fired on prod-osaka"
ok "region-outage: ServiceDown firing on the DR Alertmanager"
[ "$($K --context prod-osaka get deploy backend -n production -o jsonpath='{.spec.replicas}')" = 0 ] ||
	fail "DR backend is not scaled to 0"
$K --context prod-osaka scale deployment frontend --replicas=3 -n production
$K --context prod-osaka scale deployment backend --replicas=5 -n production
resolved && fail "resolved with websocket still at 0"
$K --context prod-osaka scale deployment websocket --replicas=2 -n production
wait_for 90 resolved || { status >&2; fail "not resolved after scaling the DR"; }
ok "region-outage: scaling prod-osaka to the primary's counts resolves the drill"

# --- Argo Rollouts canary on staging (unaffected by the outage): a new image
# stops at the first pause with 25 % weight; the promote status patch moves
# on; the 30 s pause passes by itself (3 s at speed 10); the canary is stable.
R="$K --context staging -n production"
ro() { $R get rollout quiz-api -o jsonpath="$1"; }
wait_for 60 sh -c "[ \"\$($R get rollout quiz-api -o jsonpath='{.status.phase}')\" = Healthy ]" ||
	fail "quiz-api rollout never healthy"
stable=$(ro '{.status.stableRS}')
$R patch rollout quiz-api --type=json \
	-p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"quiz-api:v1.3.0"}]'
wait_for 60 sh -c "[ \"\$($R get rollout quiz-api -o jsonpath='{.status.phase}')\" = Paused ]" ||
	fail "rollout did not pause"
[ "$(ro '{.status.currentStepIndex}')" = 1 ] || fail "paused at step $(ro '{.status.currentStepIndex}')"
[ "$(ro '{.status.canary.weights.canary.weight}')" = 25 ] || fail "canary weight $(ro '{.status.canary.weights}')"
[ "$(ro '{.status.stableRS}')" = "$stable" ] || fail "stableRS moved while paused"
$R patch rollout quiz-api --subresource=status --type=merge \
	-p '{"status":{"pauseConditions":null,"currentStepIndex":2}}'
wait_for 90 sh -c "[ \"\$($R get rollout quiz-api -o jsonpath='{.status.phase}')\" = Healthy ]" ||
	fail "rollout did not complete after promote: $(ro '{.status}')"
[ "$(ro '{.status.stableRS}')" != "$stable" ] || fail "stableRS did not move"
[ "$(ro '{.status.stableRS}')" = "$(ro '{.status.currentPodHash}')" ] || fail "stable is not current"
ok "rollouts: canary pauses at 25 %, promote and timed pause complete it"
stop_drill

# --- a hanging API server: accepts and never answers, for 30 s simulated.
cat >"$T/hang.yaml" <<'YAML'
base: estate
name: hang
faults:
  - {at: 2, action: cluster-unreachable, target: staging, mode: hang, duration: 30}
YAML
start_drill "$T/hang.yaml" --speed 1
STATUS_CTX=prod-tokyo
hangs() {
	local out
	out=$($K --context staging --request-timeout=2s get ns 2>&1) && return 1
	case "$out" in *refused*) return 1 ;; *) return 0 ;; esac
}
wait_for 30 hangs || fail "staging never hung"
ok "hang: requests to staging time out"
$K --context dev get ns >/dev/null || fail "dev is affected too"
wait_for 90 $K --context staging --request-timeout=5s get ns || fail "staging never came back"
ok "hang: staging answers again after the fault's duration"
