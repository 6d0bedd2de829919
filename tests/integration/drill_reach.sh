#!/usr/bin/env bash
# Cluster reachability faults of the drill API server: a refused cluster's
# listener is closed, a hanging one accepts and never answers, and both come
# back; other clusters keep serving. Also the streaming-list watch
# (sendInitialEvents) that client-go uses from 1.35.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"

start_drill "$(drill_test_scenario)"
kc_extract
[ "$(jq '.clusters | length' "$KUBECONFIG")" -ge 2 ] || skip "scenario has one cluster"
second=$(jq -r '.clusters[1].name' "$KUBECONFIG")
B=$(jq -r '.clusters[1].cluster.server' "$KUBECONFIG")

reach() { acurl -X POST "$SERVER/drill/v1/reach?cluster=$1&state=$2" | jq -e --arg s "$2" '.state == $s' >/dev/null; }
code_of() { acurl -o /dev/null -w '%{http_code}' --max-time "${2:-5}" "$1" 2>/dev/null; }
refused() { acurl -o /dev/null --max-time 5 "$B/version" 2>/dev/null; [ $? -eq 7 ]; }
serving() { [ "$(code_of "$B/version")" = 200 ]; }

# A watch open on the second cluster ends when the cluster becomes unreachable.
acurl -N "$B/api/v1/namespaces?watch=1&timeoutSeconds=120" >"$T/watch.out" 2>/dev/null &
wpid=$!
wait_for 30 grep -q ADDED "$T/watch.out" || fail "watch on $second did not start"

reach "$second" refuse || fail "cannot set refuse"
wait_for 30 refused || fail "$second still accepts connections"
wait_for 30 sh -c "! kill -0 $wpid 2>/dev/null" || fail "watch survived the refused cluster"
[ "$(code_of "$SERVER/version")" = 200 ] || fail "first cluster stopped serving"
ok "refused cluster closes its listener and its watches; others serve"

reach "$second" hang || fail "cannot set hang"
wait_for 30 sh -c "curl -sS --cacert '$T/ca.pem' --cert '$T/admin.crt' --key '$T/admin.key' --max-time 2 -o /dev/null '$B/version' 2>/dev/null; [ \$? -eq 28 ]" \
	|| fail "hanging cluster answered"
ok "hanging cluster accepts and does not answer"

acurl --max-time 60 -o "$T/held.out" -w '%{http_code}' "$B/version" >"$T/held.code" 2>/dev/null &
hpid=$!
reach "$second" ok || fail "cannot set ok"
wait "$hpid" || fail "held request failed"
[ "$(cat "$T/held.code")" = 200 ] || fail "held request did not complete once the cluster recovered"
wait_for 30 serving || fail "$second did not come back"
out=$(kubectl --request-timeout=60s --context "$second" get ns -o name 2>&1) || true
grep -q "^namespace/" <<<"$out" || { echo "$out"; fail "kubectl cannot reach $second after recovery"; }
ok "held request completes and the cluster serves again"

# Streaming list: ADDED for each object, then the initial-events-end bookmark.
n=$(acurl "$SERVER/api/v1/namespaces" | jq '.items | length')
acurl "$SERVER/api/v1/namespaces?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=3" >"$T/sl.out"
[ "$(jq -r 'select(.type=="ADDED") | .object.metadata.name' "$T/sl.out" | wc -l)" -eq "$n" ] || fail "not one ADDED per namespace"
jq -e 'select(.type=="BOOKMARK") | select(.object.metadata.annotations["k8s.io/initial-events-end"] == "true") | .object.kind == "Namespace"' \
	"$T/sl.out" >/dev/null || fail "no initial-events-end bookmark"
ok "sendInitialEvents streams the state then the end bookmark"
