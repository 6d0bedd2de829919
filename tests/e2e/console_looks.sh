#!/usr/bin/env bash
# The console tells a drill what its operator looks at, and only a drill:
# - contexts without the drill's opsdeck.dev/context extension are a real
#   estate to the console: a view of those alone sends no look, even
#   beside a drill context in the same console;
# - on the drill's own contexts (viewer@prod-tokyo and staging here), each
#   view opened is a look: the overview is not one, nodes and another
#   namespace are looks that show nothing of the bad rollout, `pods
#   production` shows it and is the drill's firstRelevantView, scoped to
#   the drill's cluster names (prod-tokyo, staging), not the context names;
# - describe of a pod is a look at that one object (its name is sent);
# - a look names the OS user and host; the drill adds the kube identity.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 4
status() { kubectl --context staging get --raw /drill/v1/status; }
looks_are() { status | jq -e --argjson n "$1" '.looks == $n'; }
bad() { kubectl --context prod-tokyo get deploy backend -n production \
	-o jsonpath='{.spec.template.spec.containers[0].image}' | grep -q -- -bad; }
wait_for 120 bad || fail "the bad rollout never started"

# A real estate to the console: the same clusters under other context
# names, without the extension, beside a drill context in one console. A
# view of the real context alone sends nothing; one of the drill's does.
jq '.contexts |= map(.name = "real-" + .name | del(.context.extensions))' "$KUBECONFIG" >"$T/real.kubeconfig"
KUBECONFIG="$T/real.kubeconfig:$KUBECONFIG" start_console --context real-prod-tokyo,staging
wait_screen 60 "staging(staging) live"
cmd "pods @real-prod-tokyo production"
wait_screen 30 "backend-"
cmd "nodes @staging"
wait_screen 30 "ip-10-"
expect 10 "the staging nodes view was not a look" looks_are 1
status | jq -e '.recentLooks[0].view == "nodes" and .recentLooks[0].clusters == ["staging"]' >/dev/null ||
	fail "the first look was not staging's nodes: $(status | jq .recentLooks)"
quit_console
tm kill-server 2>/dev/null || true

# The drill's contexts: a viewer's and an admin's.
start_console --kubeconfig "$KUBECONFIG" --context viewer@prod-tokyo,staging
wait_screen 60 "staging(staging) live"
cmd "nodes"
wait_screen 30 "ip-10-"
expect 10 "the nodes view was not a look" looks_are 2
cmd "pods kube-system"
wait_screen 30 "kube-system"
expect 10 "pods kube-system was not a look" looks_are 3
status | jq -e '.firstRelevantView == null' >/dev/null || fail "nodes or kube-system counted as detection"
cmd "overview"
wait_screen 30 "PodCrashLooping"
sleep 1
looks_are 3 >/dev/null || fail "the overview counted as a look: $(status | jq .looks)"
cmd "pods production"
wait_screen 30 "CrashLoopBackOff"
found() { status | jq -e '.firstRelevantView != null'; }
expect 10 "pods production never became the first relevant view" found
st=$(status)
jq -e '.firstRelevantView.view == "pods" and .firstRelevantView.namespace == "production"
	and .firstRelevantView.clusters == ["prod-tokyo","staging"]
	and .firstRelevantView.fault == "prod-tokyo/production/backend"
	and (.firstRelevantView.user | length) > 0 and .firstRelevantView.host == $host
	and (.firstRelevantView.kubeUser | IN("drill-admin", "drill-viewer"))
	and .timeToDetectSeconds > 0' --arg host "$(hostname)" <<<"$st" >/dev/null ||
	fail "first relevant view: $(jq .firstRelevantView <<<"$st")"

# describe the first crash-looping pod: a look at that pod alone
keys "/CrashLoop"; key Enter
wait_screen 10 "filter:/CrashLoop/"
pod=$(screen | grep -oE 'backend-[a-z0-9]+-[a-z0-9]{5}' | head -n 1)
[ -n "$pod" ] || fail "no crash-looping pod on screen"
key d
wait_screen 30 "Name:"
last() { status | jq -e --arg p "$pod" '.recentLooks[-1].name == $p'; }
expect 10 "describe did not send the pod's name" last
status | jq -e --arg p "$pod" '.recentLooks[-1] | .view == "pods" and .namespace == "production"
	and .clusters == ["prod-tokyo"] and .firstRelevant == false' >/dev/null ||
	fail "describe look: $(status | jq '.recentLooks[-1]')"
quit_console

out=$("$OPSDECK" drill report --kubeconfig "$KUBECONFIG")
assert_contains "$out" "after its fault: pods @prod-tokyo @staging ns:production"
ok "the console reports its views to a drill and to nothing else"
