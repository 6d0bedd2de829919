#!/usr/bin/env bash
# :alert-groups against the REAL Alertmanager: alerts grouped by alertname
# and cluster label (karma's grouping), with how many fire, are silenced or
# inhibited; a silence that expired is named on its alertname's groups
# (who made it, why) and one whose alert is gone gets a row of its own;
# Enter opens the group's alert, or the silence.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
. "$(dirname "$0")/../lib/alertmanager.sh"

start_real_alertmanager <<'EOF2'
route:
  receiver: blackhole
  group_wait: 1s
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['alertname="NodeDown"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
EOF2

/usr/bin/python3 - "$AMURL" <<'PY' || fail "posting alerts"
import json, sys, urllib.request
def a(name, sev, cluster, **labels):
    labels.update({"alertname": name, "severity": sev, "cluster": cluster})
    return {"labels": labels, "annotations": {"summary": name + " on " + cluster}}
alerts = [a("PodCrashLooping", "critical", "c1", pod="a"),
          a("PodCrashLooping", "critical", "c1", pod="b"),
          a("PodCrashLooping", "critical", "c2", pod="c"),
          a("NodeDown", "critical", "c1"),
          a("DiskSlow", "warning", "c1")]
req = urllib.request.Request(sys.argv[1] + "/api/v2/alerts", json.dumps(alerts).encode(),
                             {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
PY
for m in PodCrashLooping Flaky; do
	id=$("$OPSDECK" silence add --context am-ctx --matcher "alertname=$m" --duration 1h \
		--comment "$m work" --author tester 2>/dev/null | tail -n 1)
	[ -n "$id" ] || fail "silence add $m"
	"$OPSDECK" silence expire "$id" --context am-ctx >/dev/null 2>&1 || fail "silence expire $m"
done
inhibited() {
	curl -sf "$AMURL/api/v2/alerts" | jq -e '.[] | select(.labels.alertname == "DiskSlow") |
		.status.inhibitedBy | length > 0' >/dev/null
}
wait_for 30 inhibited || fail "DiskSlow not inhibited"

start_console --kubeconfig "$KUBECONFIG" --context am-ctx
cmd "alert-groups"
wait_screen 60 "DiskSlow"
wait_screen 30 "Flaky"
# ALERTNAME CLUSTER SEVERITY ALERTS FIRING SILENCED INHIBITED OLDEST SUMMARY SILENCE EXPIRED
row() { screen | grep -E "^$1 +$2 " || { screen >&2; fail "no $1 $2 group"; }; }
expect_row() {
	local line
	line=$(row "$1" "$2")
	printf "%s\n" "$line" | grep -qE -- "$3" || { screen >&2; fail "$1 $2: '$line' !~ $3"; }
}
expect_row PodCrashLooping c1 "critical +2 +2 +0 +0 .*PodCrashLooping on c1 +[0-9]+s ago by tester: PodCrashLooping work"
expect_row PodCrashLooping c2 "critical +1 +1 +0 +0 .*PodCrashLooping on c2 +[0-9]+s ago by tester: PodCrashLooping work"
expect_row NodeDown c1 "critical +1 +1 +0 +0 .*NodeDown on c1 +-$"
expect_row DiskSlow c1 "warning +1 +0 +0 +1 "
expect_row Flaky am-ctx "- +0 +0 +0 +0 .*\(no alert\) silence of alertname=Flaky +[0-9]+s ago by tester: Flaky work"
ok "groups by alertname and cluster with counts; expired silences named"
# firing groups come first
first=$(screen | sed -n 4p)
case $first in PodCrashLooping*|NodeDown*) ;; *) screen >&2; fail "a firing group is not first" ;; esac

keys "/NodeDown"; key Enter
wait_screen 10 "filter:/NodeDown/"
key Enter
wait_screen 20 "describe alerts/NodeDown @am-ctx"
wait_screen 20 "Labels:         alertname=NodeDown"
ok "Enter opens the group's alert"

key Escape
wait_screen 10 "filter:/NodeDown/"
key Escape
keys "/Flaky"; key Enter
wait_screen 10 "filter:/Flaky/"
key Enter
wait_screen 20 "describe silences/"
wait_screen 20 "Silences:"
s=$(screen)
assert_contains "$s" "State:       expired"
assert_contains "$s" "Matchers:    alertname=Flaky"
assert_contains "$s" "Created By:  tester"
assert_contains "$s" "Comment:     Flaky work"
ok "Enter on an expired silence opens it"
cmd q
wait_exit 30
