#!/usr/bin/env bash
# Every other action through the pipeline, headless, against the drill
# estate, each checked with kubectl afterwards: restart, pause/resume,
# delete (grace period), cordon/uncordon, run-now, restore, switch-color,
# canary-weight, promote/abort/retry on an Argo Rollout; one audit line per
# mutation.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 20
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
# run NAME STEP...: a one-off runbook of action steps on prod-tokyo, --yes.
run() {
	local name=$1 f=$T/$1.yaml; shift
	{ echo "name: $name"; echo "title: $name"; echo "severity: P3"; echo "steps:"
	  for s in "$@"; do printf '  - action: %s\n    timeout: 90s\n' "$(printf '%s' "$s" | jq -Rs .)"; done
	} >"$f"
	"$OPSDECK" runbook run "$f" --context prod-tokyo --yes >"$T/$name.out" 2>&1 ||
		{ cat "$T/$name.out"; fail "$name failed"; }
}

# restart: a new restartedAt annotation, followed until the rollout is done
run restart "restart -n production -t deployments/frontend"
[ -n "$(k get deploy frontend -n production -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')" ] ||
	fail "no restartedAt annotation"
assert_contains "$(cat "$T/restart.out")" "restart prod-tokyo production/frontend: done"

# scale where an HPA manages the deployment: the preview warns on a line of
# its own, and the follow-up status line is the preview's first line only
# (no escaped "\n" from the warning)
cur=$(k get deploy backend -n production -o jsonpath='{.spec.replicas}')
run scalehpa "scale $cur -n production -t deployments/backend"
assert_contains "$(cat "$T/scalehpa.out")" "! HPA backend-hpa"
if grep -F '\n' "$T/scalehpa.out"; then fail "an escaped newline in the output"; fi

# pause, then resume
run pause "pause -n production -t deployments/websocket"
[ "$(k get deploy websocket -n production -o jsonpath='{.spec.paused}')" = true ] || fail "not paused"
run resume "resume -n production -t deployments/websocket"
[ -z "$(k get deploy websocket -n production -o jsonpath='{.spec.paused}')" ] || fail "still paused"

# delete a pod: gone or replaced, followed up
pod=$(k get pods -n production -l app=websocket -o jsonpath='{.items[0].metadata.name}')
uid=$(k get pod "$pod" -n production -o jsonpath='{.metadata.uid}')
run delete "delete --grace 0 -n production -t pods/$pod"
now=$(k get pod "$pod" -n production -o jsonpath='{.metadata.uid}' 2>/dev/null || true)
[ "$now" != "$uid" ] || fail "pod $pod still there"

# cordon, uncordon
node=$(k get nodes -o jsonpath='{.items[0].metadata.name}')
run cordon "cordon -t nodes/$node"
[ "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" = true ] || fail "not cordoned"
run uncordon "uncordon -t nodes/$node"
[ -z "$(k get node "$node" -o jsonpath='{.spec.unschedulable}')" ] || fail "still cordoned"

# run-now: a Job from the CronJob, owned by it, run to completion
run runnow "run-now -n production -t cronjobs/backup"
job=$(k get jobs -n production -o json | jq -r '[.items[] | select(.metadata.annotations["cronjob.kubernetes.io/instantiate"]=="manual")][0].metadata.name')
[ -n "$job" ] && [ "$job" != null ] || fail "no manual job"
[ "$(k get job "$job" -n production -o jsonpath='{.metadata.ownerReferences[0].kind}')" = CronJob ] ||
	fail "job not owned by the cronjob"

# restore from an existing backup (always a typed confirmation; --yes types it)
backup=$(k get backups.velero.io -n velero -o jsonpath='{.items[0].metadata.name}')
run restore "restore $backup -n velero"
assert_contains "$(cat "$T/restore.out")" "type 'prod-tokyo' to confirm"
[ "$(k get restores.velero.io -n velero -o json | jq --arg b "$backup" '[.items[] | select(.spec.backupName==$b)] | length')" = 1 ] ||
	fail "no restore of $backup"

# blue-green: a Service selecting color=blue switched to green
k create --validate=false -f - >/dev/null <<'JSON' || fail "cannot create the service"
{"apiVersion":"v1","kind":"Service","metadata":{"name":"shop","namespace":"production"},
 "spec":{"selector":{"app":"shop","color":"blue"},"ports":[{"port":80,"targetPort":3000}]}}
JSON
run switch "switch-color green -n production -t services/shop"
[ "$(k get svc shop -n production -o jsonpath='{.spec.selector.color}')" = green ] || fail "not switched"
[ "$(k get svc shop -n production -o jsonpath='{.spec.selector.app}')" = shop ] || fail "selector lost app"

# canary weights on an Istio VirtualService
k create --validate=false -f - >/dev/null <<'JSON' || fail "cannot create the virtualservice"
{"apiVersion":"networking.istio.io/v1beta1","kind":"VirtualService",
 "metadata":{"name":"shop","namespace":"production"},
 "spec":{"hosts":["shop"],"http":[{"route":[
   {"destination":{"host":"shop","subset":"stable"},"weight":95},
   {"destination":{"host":"shop","subset":"canary"},"weight":5}]}]}}
JSON
run canary "canary-weight 25 -n production -t virtualservices/shop"
w=$(k get virtualservices.networking.istio.io shop -n production -o json | jq -c '[.spec.http[0].route[] | {(.destination.subset): .weight}] | add')
[ "$w" = '{"stable":75,"canary":25}' ] || fail "weights $w"

# Argo Rollouts: a new image starts a canary that pauses; abort sets
# status.abort, retry clears it, promote moves to the next step.
shop_canary_paused '[{"setWeight":20},{"pause":{}},{"setWeight":50},{"pause":{}}]'
ro() { shop_rollout; }
phase() { [ "$(ro | jq -r .status.phase)" = "$1" ]; }
run abort "abort -n production -t rollouts/shop"
[ "$(ro | jq -r .status.abort)" = true ] || fail "not aborted"
run retry "retry -n production -t rollouts/shop"
[ "$(ro | jq -r .status.abort)" != true ] || fail "still aborted"
wait_for 60 phase Paused || { ro | jq .status; fail "canary not paused after retry"; }
step=$(ro | jq -r '.status.currentStepIndex // 0')
run promote "promote -n production -t rollouts/shop"
assert_contains "$(cat "$T/promote.out")" "promote: step $step → $((step + 1))"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
ok = [o["verb"] for o in lines if o["verb"] not in ("runbook-step", "runbook-run") and o["outcome"] == "ok"]
want = ["restart", "scale", "pause", "resume", "delete", "cordon", "uncordon", "run-now", "restore",
        "switch-color", "canary-weight", "abort", "retry", "promote"]
assert ok == want, ok
PY
ok "restart, scale, pause, resume, delete, cordon, uncordon, run-now, restore, switch-color, canary-weight, abort, retry, promote"
audit_check_intents restart scale pause resume delete cordon uncordon run-now restore switch-color \
	canary-weight abort retry promote
ok "each of them wrote its intent before the request"
