#!/usr/bin/env bash
# An alert opened in the console against the REAL Alertmanager: an alert
# inhibited by another names its inhibitor (fingerprint, alertname,
# severity, state); every label and annotation is shown whole, a
# multi-line description line by line; the receivers the route picked are
# listed; and hostile text (an OSC title sequence, a bidi override) is
# shown as visible escapes and never reaches the terminal.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
. "$(dirname "$0")/../lib/alertmanager.sh"

start_real_alertmanager <<'EOF'
route:
  receiver: blackhole
  group_wait: 1s
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
receivers:
  - name: blackhole
  - name: pager
inhibit_rules:
  - source_matchers: ['alertname="NodeDown"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
EOF

# NodeDown (critical) inhibits DiskSlow (warning) on the same cluster.
/usr/bin/python3 - "$AMURL" <<'PY' || fail "posting alerts"
import json, sys, urllib.request
alerts = [
    {"labels": {"alertname": "NodeDown", "severity": "critical", "cluster": "c1",
                "node": "n1\u001b]0;pwned\u0007"},
     "annotations": {"summary": "node n1 down \u202eevil",
                     "description": "line one\nline two",
                     "runbook_url": "https://runbooks.example.com/node-down"},
     "generatorURL": "http://prometheus:9090/graph?g0.expr=up%3D%3D0"},
    {"labels": {"alertname": "DiskSlow", "severity": "warning", "cluster": "c1"},
     "annotations": {"summary": "disk slow"}},
]
req = urllib.request.Request(sys.argv[1] + "/api/v2/alerts", json.dumps(alerts).encode(),
                             {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
PY
inhibited() {
	curl -sf "$AMURL/api/v2/alerts" | jq -e '.[] | select(.labels.alertname == "DiskSlow") |
		.status.inhibitedBy | length > 0' >/dev/null
}
wait_for 30 inhibited || fail "DiskSlow not inhibited by Alertmanager"
nodedown_fp=$(curl -sf "$AMURL/api/v2/alerts" |
	jq -r '.[] | select(.labels.alertname == "NodeDown") | .fingerprint')

# headless: the same text
out=$("$OPSDECK" describe alert DiskSlow --context am-ctx) || fail "opsdeck describe alert"
assert_contains "$out" "Inhibited By:   $nodedown_fp  NodeDown (critical, firing)"
assert_contains "$out" "State:          inhibited"
out=$("$OPSDECK" describe alert NodeDown --context am-ctx) || fail "opsdeck describe alert"
assert_contains "$out" "node=n1\x1b]0;pwned\x07"
case $out in *$'\e'*) fail "ESC reached standard output" ;; esac
ok "opsdeck describe alert: the inhibitor named, hostile text escaped"

start_console --kubeconfig "$KUBECONFIG" --context am-ctx
cmd "alerts"
wait_screen 60 "DiskSlow"
wait_screen 30 "inhibited"
keys "/DiskSlow"; key Enter
wait_screen 10 "filter:/DiskSlow/"
key d
wait_screen 20 "describe alerts/DiskSlow @am-ctx"
wait_screen 20 "Inhibited By:   $nodedown_fp  NodeDown (critical, firing)"
assert_contains "$(screen)" "State:          inhibited"
ok "an inhibited alert names its inhibitor"

key Escape
wait_screen 10 "filter:/DiskSlow/"
key Escape
keys "/NodeDown"; key Enter
wait_screen 10 "filter:/NodeDown/"
key Enter
wait_screen 20 "describe alerts/NodeDown @am-ctx"
wait_screen 20 "Inhibited By:"
s=$(screen)
for want in "Receivers:      pager" "                node=n1\\x1b]0;pwned\\x07" \
	"Annotations:    description:" "                  line one" "                  line two" \
	"                runbook_url: https://runbooks.example.com/node-down" \
	"                summary: node n1 down \\u202eevil" \
	"Generator URL:  http://prometheus:9090/graph?g0.expr=up%3D%3D0" \
	"Runbook URL:    https://runbooks.example.com/node-down"; do
	assert_contains "$s" "$want" "NodeDown's describe"
done
title=$(tm display -p -t console '#{pane_title}')
assert_not_contains "$title" "pwned" "pane title"
ok "every label and annotation whole, hostile text shown as escapes, receivers listed"
cmd q
wait_exit 30
