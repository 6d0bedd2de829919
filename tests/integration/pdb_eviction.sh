#!/usr/bin/env bash
# PodDisruptionBudgets in the drill as real clients see them: the status the
# PDB controller fills (kubectl get pdb's ALLOWED DISRUPTIONS), kubectl drain
# (1.27, 1.32, 1.33) refused with kubectl's retry message while the budget is
# spent and passing once it has room, the eviction API's exact 429 Status, a
# 500 for a pod under two budgets, dryRun changing nothing, and the Python
# client's ApiException 429.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 20
kc_extract
ctx=staging
SERVER=$(jq -r --arg c "$ctx" '.clusters[] | select(.name == $c) | .cluster.server' "$KUBECONFIG")
ns=pdbtest
declare -A VERSIONS=([1.27]=/usr/lib/google-cloud-sdk/bin/kubectl.1.27 [1.32]=/usr/bin/kubectl
	[1.33]=/usr/lib/google-cloud-sdk/bin/kubectl.1.33)
k() { kubectl --context "$ctx" --request-timeout=30s "$@"; }

n1=$(k get nodes -o jsonpath='{.items[0].metadata.name}')
n2=$(k get nodes -o jsonpath='{.items[1].metadata.name}')
[ -n "$n1" ] && [ -n "$n2" ] || fail "staging needs two nodes"

# deploy NAME REPLICAS NODE: a Deployment of app=web pinned to NODE.
deploy() {
	k apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: $ns}
spec:
  replicas: $2
  selector: {matchLabels: {app: web, part: $1}}
  template:
    metadata: {labels: {app: web, part: $1}}
    spec:
      nodeName: $3
      containers: [{name: web, image: nginx:1.27}]
EOF
}
k create namespace "$ns" >/dev/null
deploy web-a 2 "$n2"
deploy web-b 1 "$n1"
# pdb_is ALLOWED CURRENT DESIRED EXPECTED: the status, observed for the current generation.
pdb_is() {
	local s
	s=$(k get pdb web -n "$ns" -o json | jq -r '[.status.observedGeneration == .metadata.generation,
		.status.disruptionsAllowed, .status.currentHealthy, .status.desiredHealthy,
		.status.expectedPods, (.status.conditions[]? | select(.type == "DisruptionAllowed")
		| .reason)] | map(tostring) | join(" ")')
	local reason=InsufficientPods
	[ "$1" -gt 0 ] && reason=SufficientPods
	[ "$s" = "true $1 $2 $3 $4 $reason" ]
}
ready_pods() { [ "$(k get pods -n "$ns" -l app=web -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null)
	| select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length')" = 3 ]; }
wait_for 60 ready_pods || fail "the three web pods never became ready"

# (1) the controller's status: minAvailable 2 over 3 ready pods allows 1
k create poddisruptionbudget web -n "$ns" --selector app=web --min-available 2 >/dev/null
wait_for 30 pdb_is 1 3 2 3 || fail "status not computed: $(k get pdb web -n "$ns" -o json | jq -c .status)"
for V in 1.27 1.32 1.33; do
	out=$("${VERSIONS[$V]}" --context "$ctx" get pdb -n "$ns")
	echo "$out" | grep -Eq '^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE$' ||
		fail "kubectl $V: header: $out"
	echo "$out" | grep -Eq '^web +2 +N/A +1 +[0-9a-z]+$' || fail "kubectl $V: row: $out"
done
ok "kubectl get pdb: ALLOWED DISRUPTIONS 1 for minAvailable 2 over 3 ready pods"
# the percentage and maxUnavailable forms, rounding up as upstream
k patch pdb web -n "$ns" --type merge -p '{"spec":{"minAvailable":"50%"}}' >/dev/null
wait_for 30 pdb_is 1 3 2 3 || fail "minAvailable 50%: $(k get pdb web -n "$ns" -o json | jq -c .status)"
k patch pdb web -n "$ns" --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":"34%"}}' >/dev/null
wait_for 30 pdb_is 2 3 1 3 || fail "maxUnavailable 34%: $(k get pdb web -n "$ns" -o json | jq -c .status)"
ok "percentages: minAvailable 50% of 3 needs 2, maxUnavailable 34% of 3 leaves 1"

# (2) no room: minAvailable 3. kubectl drain retries and gives up; nothing evicted.
k patch pdb web -n "$ns" --type merge -p '{"spec":{"maxUnavailable":null,"minAvailable":3}}' >/dev/null
wait_for 30 pdb_is 0 3 3 3 || fail "minAvailable 3: $(k get pdb web -n "$ns" -o json | jq -c .status)"
victim=$(k get pods -n "$ns" -l part=web-b -o jsonpath='{.items[0].metadata.name}')
for V in 1.27 1.32 1.33; do
	rc=0
	"${VERSIONS[$V]}" --context "$ctx" drain "$n1" --ignore-daemonsets --delete-emptydir-data \
		--timeout=20s >"$T/drain-$V.out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || { cat "$T/drain-$V.out"; fail "kubectl $V: drain passed a spent budget"; }
	assert_contains "$(cat "$T/drain-$V.out")" "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget." "kubectl $V drain"
	[ "$(k get pods -n "$ns" -l part=web-b -o jsonpath='{.items[0].metadata.name}')" = "$victim" ] ||
		fail "kubectl $V: the protected pod was evicted"
	k uncordon "$n1" >/dev/null
done
ok "kubectl drain 1.27/1.32/1.33: refused with the disruption budget retry message, pod kept"

# the eviction API's answer, byte for byte the upstream Status
body='{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"'$victim'","namespace":"'$ns'"}}'
out=$(acurl -w '\n%{http_code}' -H 'Content-Type: application/json' -X POST --data "$body" \
	"$SERVER/api/v1/namespaces/$ns/pods/$victim/eviction")
[ "$(printf '%s\n' "$out" | tail -n 1)" = 429 ] || fail "eviction: $out"
want='{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Cannot evict pod as it would violate the pod'"'"'s disruption budget.","reason":"TooManyRequests","details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget web needs 3 healthy pods and has 3 currently"}]},"code":429}'
[ "$(printf '%s\n' "$out" | sed '$d' | jq -cS .)" = "$(printf '%s' "$want" | jq -cS .)" ] ||
	fail "429 body: $(printf '%s\n' "$out" | sed '$d')"
# the Python client: ApiException 429 from create_namespaced_pod_eviction
/usr/bin/python3 - "$ctx" "$ns" "$victim" <<'PY' || fail "python client"
import json, sys
from kubernetes import client, config
from kubernetes.client.rest import ApiException
config.load_kube_config(context=sys.argv[1])
v1 = client.CoreV1Api()
ev = client.V1Eviction(metadata=client.V1ObjectMeta(name=sys.argv[3], namespace=sys.argv[2]))
try:
    v1.create_namespaced_pod_eviction(sys.argv[3], sys.argv[2], ev)
except ApiException as e:
    assert e.status == 429, e.status
    st = json.loads(e.body)
    assert st["reason"] == "TooManyRequests", st
    assert st["details"]["causes"][0]["reason"] == "DisruptionBudget", st
    print("ApiException", e.status, st["details"]["causes"][0]["message"])
else:
    sys.exit("eviction passed a spent budget")
PY
ok "eviction API: the upstream 429 Status; Python client ApiException 429"

# (3) room again: minAvailable 2. dryRun takes nothing; kubectl drain evicts the pod.
k patch pdb web -n "$ns" --type merge -p '{"spec":{"minAvailable":2}}' >/dev/null
wait_for 30 pdb_is 1 3 2 3 || fail "minAvailable 2 again"
out=$(acurl -w '\n%{http_code}' -H 'Content-Type: application/json' -X POST --data "$body" \
	"$SERVER/api/v1/namespaces/$ns/pods/$victim/eviction?dryRun=All")
[ "$(printf '%s\n' "$out" | tail -n 1)" = 201 ] || fail "dry-run eviction: $out"
[ "$(k get pdb web -n "$ns" -o jsonpath='{.status.disruptionsAllowed}')" = 1 ] || fail "dryRun spent the budget"
k get pod "$victim" -n "$ns" -o jsonpath='{.metadata.deletionTimestamp}' | grep -q . && fail "dryRun deleted the pod"
for V in 1.27 1.32 1.33; do
	wait_for 60 pdb_is 1 3 2 3 || fail "kubectl $V: budget never back to 1"
	victim=$(k get pods -n "$ns" -l part=web-b -o jsonpath='{.items[0].metadata.name}')
	"${VERSIONS[$V]}" --context "$ctx" drain "$n1" --ignore-daemonsets --delete-emptydir-data \
		--timeout=20s >"$T/drain-ok-$V.out" 2>&1 || { cat "$T/drain-ok-$V.out"; fail "kubectl $V: drain with room failed"; }
	assert_contains "$(cat "$T/drain-ok-$V.out")" "pod/$victim evicted" "kubectl $V drain"
	assert_contains "$(cat "$T/drain-ok-$V.out")" "node/$n1 drained" "kubectl $V drain"
	k uncordon "$n1" >/dev/null
	wait_for 60 ready_pods || fail "web-b never came back"
done
ok "kubectl drain 1.27/1.32/1.33 with room in the budget: evicted, drained"

# (4) a pod under two budgets: 500, as upstream
k create poddisruptionbudget web-too -n "$ns" --selector part=web-b --max-unavailable 1 >/dev/null
victim=$(k get pods -n "$ns" -l part=web-b -o jsonpath='{.items[0].metadata.name}')
body='{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"'$victim'","namespace":"'$ns'"}}'
out=$(acurl -w '\n%{http_code}' -H 'Content-Type: application/json' -X POST --data "$body" \
	"$SERVER/api/v1/namespaces/$ns/pods/$victim/eviction")
[ "$(printf '%s\n' "$out" | tail -n 1)" = 500 ] || fail "two budgets: $out"
[ "$(printf '%s\n' "$out" | sed '$d' | jq -r .message)" = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." ] ||
	fail "two budgets message: $out"
k get pod "$victim" -n "$ns" -o jsonpath='{.metadata.deletionTimestamp}' | grep -q . && fail "two budgets: pod deleted"
ok "a pod under two budgets: 500, not evicted"
