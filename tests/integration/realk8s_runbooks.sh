#!/usr/bin/env bash
# Shipped runbooks run headless (`opsdeck runbook run --yes`) against a
# real control plane (tests/realk8s/) end with the state they promise, as
# kubectl reads it:
# - rollback-deployment after a `kubectl set image`: the deployment's
#   template is the previous revision's again (the real controller's
#   revision-history read back), and every replica of it is updated and
#   ready, none crashing;
# - scale-out: the HPA's limits are the new ones and the real HPA
#   controller has brought the deployment to at least the new minimum,
#   every one available.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"

realk8s_up real-tokyo
ctx=real-tokyo
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
k() { kc --context "$ctx" "$@"; }
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<YAML
contexts:
  $ctx: {role: primary}
YAML
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
run() {
	local rb=$1; shift
	"$OPSDECK" runbook run "$RK_REPO/runbooks/$rb.yaml" --context "$ctx" "$@" --yes \
		>"$T/$rb.out" 2>&1 || { cat "$T/$rb.out" >&2; fail "runbook $rb failed"; }
}
image() { k -n production get deploy backend -o jsonpath='{.spec.template.spec.containers[0].image}'; }

# rollback-deployment
good=$(image)
k -n production set image deploy/backend backend=example.com/quiz-backend:v2.4.0-bad >/dev/null
k -n production rollout status deploy/backend --timeout=120s >/dev/null ||
	fail "the new image did not roll out"
[ "$(image)" = example.com/quiz-backend:v2.4.0-bad ] || fail "set image did not take"
run rollback-deployment --target deployments/backend -n production
[ "$(image)" = "$good" ] || fail "after rollback-deployment the image is $(image), not $good"
k -n production get deploy backend -o json | jq -e '.status as $s | .spec.replicas as $n |
	$s.updatedReplicas == $n and $s.readyReplicas == $n and $s.availableReplicas == $n and
	$s.observedGeneration == .metadata.generation' >/dev/null ||
	fail "backend not fully rolled back and ready: $(k -n production get deploy backend -o jsonpath='{.status}')"
assert_contains "$(cat "$T/rollback-deployment.out")" "wait ok: The deployment's pod template is revision 1's"
assert_contains "$(cat "$T/rollback-deployment.out")" "Rollback of production/backend on $ctx to revision 1 complete"
grep -q '"verb":"undo".*"outcome":"ok"' "$audit" || fail "the undo is not audited ok"
ok "rollback-deployment: backend back on $good, every replica updated and ready"

# scale-out (defaults: min 8, max 40, backend-hpa)
run scale-out --target deployments/backend -n production
[ "$(k -n production get hpa backend-hpa -o jsonpath='{.spec.minReplicas}/{.spec.maxReplicas}')" = 8/40 ] ||
	fail "backend-hpa not 8/40 after scale-out"
avail=$(k -n production get deploy backend -o jsonpath='{.status.availableReplicas}')
[ "${avail:-0}" -ge 8 ] || fail "backend has $avail available after scale-out, want at least 8"
[ "$(k -n production get deploy backend -o jsonpath='{.spec.replicas}')" -ge 8 ] ||
	fail "the HPA controller did not raise backend's replicas"
grep -q '"verb":"hpa-minmax".*"outcome":"ok"' "$audit" || fail "the hpa-minmax is not audited ok"
ok "scale-out: backend-hpa 8-40, the real HPA controller scaled backend to $avail available"
