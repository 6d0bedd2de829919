#!/usr/bin/env bash
# Real kubectl (1.27, 1.32, 1.33), unmodified and verifying TLS, against the
# drill API server: tables, JSON, watch, describe, scale, rollouts, delete,
# create job from a cronjob, auth can-i, viewer refusals, logs, exec plugin,
# apply. Ends with a case x version table.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"

start_drill "$(drill_test_scenario)" --speed 20
kc_extract
ctx=$(jq -r '."current-context"' "$KUBECONFIG")
ns=conformance

results=$T/results
: >"$results"
declare -A VERSIONS=([1.27]=/usr/lib/google-cloud-sdk/bin/kubectl.1.27 [1.32]=/usr/bin/kubectl
	[1.33]=/usr/lib/google-cloud-sdk/bin/kubectl.1.33)
failed=0

# run_case NAME FUNCTION: record pass or fail.
run_case() {
	local name=$1 fn=$2 log=$T/case.log
	if ( set -e; "$fn" ) >"$log" 2>&1; then
		echo "$V $name pass" >>"$results"; echo "ok - $V $name"
	else
		echo "$V $name FAIL" >>"$results"; failed=$((failed + 1))
		echo "FAIL $V $name"; sed 's/^/    | /' "$log"
	fi
}

k() { "$K" --request-timeout=30s "$@"; }
jpath() { k get "$1" -n "$ns" -o jsonpath="$2"; }
want() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }

c_get_pods() {
	local out n
	out=$(k get pods -A)
	echo "$out"
	head -n 1 <<<"$out" | grep -Eq '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE$'
	[ "$(wc -l <<<"$out")" -ge 2 ]
	# Every row carries the server's cells (the pods churn, so no count).
	if tail -n +2 <<<"$out" | grep -Ev '^[^ ]+ +[^ ]+ +[0-9]+/[0-9]+ +[A-Za-z:0-9]+ +[0-9]+( \([0-9a-z]+ ago\))? +[0-9a-z]+$'; then
		echo "rows above lack the server's cells"; return 1
	fi
}
c_get_deploy_hpa() {
	local out
	out=$(k get deploy,hpa -A)
	echo "$out"
	grep -Eq '^NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE$' <<<"$out"
	grep -q "deployment.apps/$DEP " <<<"$out"
}
c_get_one() {
	local out
	out=$(k get deploy "$DEP" -n "$ns")
	echo "$out"
	grep -Eq '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$' <<<"$out"
	grep -Eq "^$DEP +[0-9]+/[0-9]+ " <<<"$out"
}
c_get_json() {
	k get deploy -n "$ns" -o json | jq -e --arg d "$DEP" \
		'.kind == "List" and ([.items[].metadata.name] | index($d)) != null' >/dev/null
}
c_watch() {
	k get deploy "$DEP" -n "$ns" -w --output-watch-events >"$T/watch.$V" 2>&1 &
	local wp=$!
	wait_for 30 grep -q ADDED "$T/watch.$V" || { kill $wp; cat "$T/watch.$V"; return 1; }
	k rollout restart "deploy/$DEP" -n "$ns"
	wait_for 30 grep -q MODIFIED "$T/watch.$V" || { kill $wp; cat "$T/watch.$V"; return 1; }
	kill $wp; wait $wp 2>/dev/null || true
	cat "$T/watch.$V"
}
c_describe() {
	local out
	out=$(k describe deployment "$DEP" -n "$ns")
	echo "$out"
	grep -Eq "^Name: +$DEP$" <<<"$out"
	grep -Eq '^Replicas: +[0-9]+ desired' <<<"$out"
	grep -q 'Image: *nginx' <<<"$out"
}
c_scale() {
	k scale "deploy/$DEP" -n "$ns" --replicas=3
	want "$(jpath "deploy/$DEP" '{.spec.replicas}')" 3
}
pods_are() { [ "$(pods_of)" = "$1" ]; }
pods_of() { acurl -G --data-urlencode "labelSelector=app=$DEP" "$SERVER/api/v1/namespaces/$ns/pods" |
	jq '[.items[] | select(.metadata.deletionTimestamp == null)] | length'; }
c_scale_pods() {
	k scale "deploy/$DEP" -n "$ns" --replicas=4
	wait_for 90 pods_are 4 || { echo "pods: $(pods_of)"; return 1; }
}
c_rollout_status() {
	k set image "deploy/$DEP" -n "$ns" "web=nginx:1.26"
	timeout 120 "$K" rollout status "deploy/$DEP" -n "$ns" --timeout=100s
}
c_rollout_history() {
	local out
	out=$(k rollout history "deploy/$DEP" -n "$ns")
	echo "$out"
	grep -Eq '^REVISION +CHANGE-CAUSE' <<<"$out"
	[ "$(grep -Ec '^[0-9]+ ' <<<"$out")" -ge 2 ]
}
c_rollout_undo() {
	want "$(jpath "deploy/$DEP" '{.spec.template.spec.containers[0].image}')" nginx:1.26
	k rollout undo "deploy/$DEP" -n "$ns"
	want "$(jpath "deploy/$DEP" '{.spec.template.spec.containers[0].image}')" nginx:1.25
	timeout 120 "$K" rollout status "deploy/$DEP" -n "$ns" --timeout=100s
}
# A server-side dry run of every patch type changes nothing that is stored.
c_patch_dry_run() {
	local before after rv
	before=$(jpath "deploy/$DEP" '{.spec.template.spec.containers[0].image}')
	rv=$(jpath "deploy/$DEP" '{.metadata.resourceVersion}')
	k patch "deploy/$DEP" -n "$ns" --dry-run=server --type=json \
		-p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"dry/run:json"}]' |
		grep -q "patched (server dry run)"
	k patch "deploy/$DEP" -n "$ns" --dry-run=server --type=merge \
		-p '{"spec":{"replicas":7}}' >/dev/null
	k patch "deploy/$DEP" -n "$ns" --dry-run=server \
		-p '{"spec":{"template":{"spec":{"containers":[{"name":"'"$(jpath "deploy/$DEP" '{.spec.template.spec.containers[0].name}')"'","image":"dry/run:smp"}]}}}}' >/dev/null
	after=$(jpath "deploy/$DEP" '{.spec.template.spec.containers[0].image}')
	want "$after" "$before"
	want "$(jpath "deploy/$DEP" '{.metadata.resourceVersion}')" "$rv"
}
c_rollout_restart() {
	k rollout restart "deploy/$DEP" -n "$ns"
	[ -n "$(jpath "deploy/$DEP" '{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')" ]
}
c_pause_resume() {
	k rollout pause "deploy/$DEP" -n "$ns"
	want "$(jpath "deploy/$DEP" '{.spec.paused}')" true
	k rollout resume "deploy/$DEP" -n "$ns"
	want "$(jpath "deploy/$DEP" '{.spec.paused}')" ""
}
c_delete_pod() {
	acurl -X POST -H 'Content-Type: application/json' "$SERVER/api/v1/namespaces/$ns/pods" --data \
		"{\"metadata\":{\"name\":\"$POD\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}" >/dev/null
	k get pod "$POD" -n "$ns" -o name | grep -qx "pod/$POD"
	k delete pod "$POD" -n "$ns" --timeout=60s
	if k get pod "$POD" -n "$ns" 2>/dev/null; then return 1; fi
}
c_delete_replaced() {
	local victim
	victim=$(acurl -G --data-urlencode "labelSelector=app=$DEP" "$SERVER/api/v1/namespaces/$ns/pods" |
		jq -r '.items[0].metadata.name')
	local n; n=$(jpath "deploy/$DEP" '{.spec.replicas}')
	k delete pod "$victim" -n "$ns" --timeout=60s
	wait_for 90 pods_are "$n" || { echo "pods: $(pods_of), want $n"; return 1; }
	if k get pod "$victim" -n "$ns" 2>/dev/null; then return 1; fi
}
c_create_job() {
	k create job "$JOB" -n "$ns" --from=cronjob/conf-cj
	want "$(jpath "job/$JOB" '{.metadata.annotations.cronjob\.kubernetes\.io/instantiate}')" manual
	want "$(jpath "job/$JOB" '{.metadata.ownerReferences[0].name}')" conf-cj
}
c_can_i() {
	want "$(k auth can-i patch deployments -n "$ns")" yes
	want "$(k --context "viewer@$ctx" auth can-i list pods -n "$ns")" yes
	want "$(k --context "viewer@$ctx" auth can-i patch deployments -n "$ns" || true)" no
}
c_viewer_forbidden() {
	local out
	if out=$(k --context "viewer@$ctx" scale "deploy/$DEP" -n "$ns" --replicas=1 2>&1); then
		return 1
	fi
	echo "$out"
	grep -qF "deployments.apps \"$DEP\" is forbidden: User \"drill-viewer\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"$ns\"" <<<"$out"
}
c_logs() {
	local pod
	pod=$(acurl -G --data-urlencode "labelSelector=app=$DEP" --data-urlencode 'fieldSelector=status.phase=Running' \
		"$SERVER/api/v1/namespaces/$ns/pods" | jq -r '.items[0].metadata.name')
	[ "$pod" != null ]
	k logs "$pod" -n "$ns" --tail=5 >"$T/logs.$V"
	cat "$T/logs.$V"
	[ "$(wc -l <"$T/logs.$V")" -ge 1 ] && [ "$(wc -l <"$T/logs.$V")" -le 5 ]
}
c_apply() {
	local f=$T/apply-$V.json
	printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"conf-cm-%s","namespace":"%s"},"data":{"a":"1"}}\n' "$suffix" "$ns" >"$f"
	k apply -f "$f"
	sed -i 's/"a":"1"/"a":"2"/' "$f"
	k apply -f "$f"
	want "$(jpath "cm/conf-cm-$suffix" '{.data.a}')" 2
	k delete -f "$f"
	k create -f "$f"
	want "$(jpath "cm/conf-cm-$suffix" '{.data.a}')" 2
}
c_exec_plugin() {
	k --context "exec@$ctx" get ns "$ns" -o name | grep -qx "namespace/$ns"
}

k() { "$K" --request-timeout=30s "$@"; }
K=/usr/bin/kubectl
k create namespace "$ns" >/dev/null
k create cronjob conf-cj -n "$ns" --image=busybox --schedule='0 3 * * *' >/dev/null

for V in 1.27 1.32 1.33; do
	K=${VERSIONS[$V]}
	[ -x "$K" ] || { echo "$V missing" >>"$results"; continue; }
	suffix=${V/./}
	DEP=conf-web-$suffix POD=conf-pod-$suffix JOB=conf-job-$suffix
	/usr/bin/kubectl create deployment "$DEP" -n "$ns" --image=nginx:1.25 --replicas=2 >/dev/null
	run_case "get pods -A (table)" c_get_pods
	run_case "get deploy,hpa -A" c_get_deploy_hpa
	run_case "get deploy NAME (table)" c_get_one
	run_case "get -o json" c_get_json
	run_case "get -w sees MODIFIED" c_watch
	run_case "describe deployment" c_describe
	run_case "scale" c_scale
	run_case "scale: pods follow" c_scale_pods
	run_case "rollout status" c_rollout_status
	run_case "rollout history" c_rollout_history
	run_case "rollout undo" c_rollout_undo
	run_case "patch --dry-run=server (json, merge, strategic)" c_patch_dry_run
	run_case "rollout restart" c_rollout_restart
	run_case "rollout pause/resume" c_pause_resume
	run_case "delete pod" c_delete_pod
	run_case "delete pod: replaced" c_delete_replaced
	run_case "create job --from=cronjob" c_create_job
	run_case "auth can-i (admin yes, viewer no)" c_can_i
	run_case "viewer scale Forbidden" c_viewer_forbidden
	run_case "logs" c_logs
	run_case "exec plugin context" c_exec_plugin
	# kubectl 1.27 downloads the OpenAPI v2 document (protobuf only) for apply.
	if [ "$V" = 1.27 ]; then
		echo "$V apply -f / create -f n/a" >>"$results"
	else
		run_case "apply -f / create -f" c_apply
	fi
done

echo
echo "case | 1.27 | 1.32 | 1.33"
awk '{ v=$1; r=$NF; $1=""; $NF=""; sub(/^ /, ""); sub(/ $/, ""); res[$0, v]=r; if (!($0 in seen)) { seen[$0]=1; order[n++]=$0 } }
	END { for (i = 0; i < n; i++) printf "%s | %s | %s | %s\n", order[i], res[order[i], "1.27"], res[order[i], "1.32"], res[order[i], "1.33"] }' "$results"
kill -0 "$DRILL_PID" || fail "drill died"
[ "$failed" -eq 0 ] || fail "$failed kubectl cases failed"
ok "kubectl conformance"
