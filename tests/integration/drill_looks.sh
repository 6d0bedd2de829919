#!/usr/bin/env bash
# The drill judges what operators look at: POST /drill/v1/looks (what the
# console sends when a view opens), sent here with real kubectl. Before the
# fault nothing counts; after it, views of another cluster, namespace,
# object or kind do not count; the first view that shows the fault is the
# drill's firstRelevantView, with timeToDetectSeconds, in /drill/v1/status
# and `opsdeck drill report`. A viewer's look counts (a shared drill). Bad
# bodies get a 400 with the reason. In region-outage, a look reaches the
# drill through a live cluster while the faulted one refuses connections.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

# look CONTEXT JSON: post a look, print the drill's answer.
look() { printf '%s' "$2" >"$T/look.json"; kubectl --context "$1" create --raw /drill/v1/looks -f "$T/look.json"; }
status() { kubectl --context "${1:-staging}" get --raw /drill/v1/status; }

start_drill bad-rollout --speed 2
[ "$(look prod-tokyo '{"view":"pods","clusters":["prod-tokyo"],"namespace":"production","user":"early"}' | jq -r .firstRelevant)" = false ] ||
	fail "a look before the fault counted"
injected() { status | jq -e '.faults[0].injected != null'; }
wait_for 60 injected || fail "the fault was never injected"

for body in \
	'{"view":"pods","clusters":["staging"],"namespace":"production"}' \
	'{"view":"pods","clusters":["prod-tokyo"],"namespace":"monitoring"}' \
	'{"view":"pods","clusters":["prod-tokyo"],"namespace":"production","name":"frontend-658b679f6-kbl6f"}' \
	'{"view":"nodes","clusters":["prod-tokyo"]}' \
	'{"view":"backups"}'; do
	[ "$(look prod-tokyo "$body" | jq -r .firstRelevant)" = false ] || fail "counted as relevant: $body"
done
out=$("$OPSDECK" drill report --kubeconfig "$KUBECONFIG")
assert_contains "$out" "detected   no relevant view reported (6 views opened)"

# Bad input: a clear 400, and the drill keeps its count.
look prod-tokyo '{"clusters":["prod-tokyo"]}' 2>"$T/err" && fail "a look without view accepted"
assert_contains "$(cat "$T/err")" "view is required"
look prod-tokyo '{"view":"pods","name":["x"]}' 2>"$T/err" && fail "a non-string name accepted"
assert_contains "$(cat "$T/err")" "name: a string"
look prod-tokyo 'not json' 2>"$T/err" && fail "a non-JSON look accepted"
assert_contains "$(cat "$T/err")" "a look must be JSON"

# The viewer opens backend's deployment across Tokyo and Osaka: detection.
# Who: the OS user and host the console reports, and the kube identity the
# drill authenticated (a kubeUser in the body is not believed).
ans=$(look viewer@staging '{"view":"deployments","clusters":["prod-tokyo","prod-osaka"],"namespace":"production","name":"backend","user":"ana","host":"ops-3","kubeUser":"drill-admin"}')
[ "$(jq -r .firstRelevant <<<"$ans")" = true ] || fail "the backend deployment view did not count: $ans"
[ "$(jq -r .fault <<<"$ans")" = prod-tokyo/production/backend ] || fail "wrong fault: $ans"
st=$(status)
jq -e '.looks == 7 and .firstRelevantView.view == "deployments" and .firstRelevantView.user == "ana"
	and .firstRelevantView.host == "ops-3" and .firstRelevantView.kubeUser == "drill-viewer"
	and (.firstRelevantView.clusters | index("prod-tokyo")) != null
	and .timeToDetectSeconds > 0' <<<"$st" >/dev/null || fail "status: $st"
# detection is measured from the fault: the look is later than the injection
inj=$(jq -r '.faults[0].injected' <<<"$st"); at=$(jq -r '.firstRelevantView.at' <<<"$st")
[ "$(date -d "$at" +%s)" -ge "$(date -d "$inj" +%s)" ] || fail "look at $at before the fault at $inj"
# the first one stays first
[ "$(look prod-tokyo '{"view":"pods","user":"bob"}' | jq -r .firstRelevant)" = false ] ||
	fail "a second relevant look replaced the first"
out=$("$OPSDECK" drill report --kubeconfig "$KUBECONFIG")
assert_contains "$out" "after its fault: deployments @prod-tokyo @prod-osaka ns:production backend, by ana@ops-3 as drill-viewer"
# the same OS user on another console with the admin's credentials is
# told apart by its kube identity
look prod-tokyo '{"view":"pods","user":"ana","host":"ops-3"}' >/dev/null
status | jq -e '[.recentLooks[] | select(.user == "ana") | .kubeUser] == ["drill-viewer", "drill-admin"]' >/dev/null ||
	fail "recent looks: $(status | jq -c .recentLooks)"
# kubectl auth whoami: the identity the drill authenticates, as a real API
# server answers a SelfSubjectReview
# (the admin's certificate named by its SHA-256, as the x509 authenticator does)
fp=$(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" |
	base64 -d | openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)
for v in 1.28 1.33; do
	kv=/usr/lib/google-cloud-sdk/bin/kubectl.$v
	[ -x "$kv" ] || continue
	w=$("$kv" --context prod-tokyo auth whoami -o json) || fail "kubectl $v auth whoami"
	jq -e --arg id "X509SHA256=$fp" '.kind == "SelfSubjectReview" and .apiVersion == "authentication.k8s.io/v1"
		and .status.userInfo == {"username": "drill-admin", "groups": ["system:masters", "system:authenticated"],
			"extra": {"authentication.kubernetes.io/credential-id": [$id]}}' \
		<<<"$w" >/dev/null || fail "kubectl $v whoami as the admin: $w"
	w=$("$kv" --context viewer@staging auth whoami) || fail "kubectl $v auth whoami (viewer)"
	assert_contains "$w" "drill-viewer" "kubectl $v whoami as the viewer"
	assert_contains "$w" "[drill-viewers system:authenticated]" "kubectl $v whoami as the viewer"
done
kill "$DRILL_PID"; wait "$DRILL_PID" 2>/dev/null || true
rm -f "$KUBECONFIG"	# start_drill waits for a new one

# Region outage: Tokyo refuses connections; the contexts view, reported
# through Osaka's listener, is the detection.
start_drill region-outage --speed 4
down() { ! kubectl --context prod-tokyo get ns default --request-timeout=2s; }
wait_for 60 down || fail "prod-tokyo never went down"
[ "$(look prod-osaka '{"view":"pods","clusters":["prod-osaka"],"namespace":"production"}' | jq -r .firstRelevant)" = false ] ||
	fail "Osaka's pods counted as a look at Tokyo"
[ "$(look prod-osaka '{"view":"contexts","user":"ana"}' | jq -r .firstRelevant)" = true ] ||
	fail "the contexts view did not count in region-outage"
status prod-osaka | jq -e '.firstRelevantView.fault == "prod-tokyo" and .looks == 2' >/dev/null ||
	fail "region-outage status: $(status prod-osaka)"
ok "looks judged against the faults; first relevant view and time to detect reported"
