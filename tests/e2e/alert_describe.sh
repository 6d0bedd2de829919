#!/usr/bin/env bash
# Alerts open: `d` and Enter on an alert in the alerts view show the alert
# (labels, annotations, times, generator and runbook URLs, receivers, and
# the silence that silences it with its author and comment); `y` shows it
# as YAML. Against the drill's Alertmanager, on the bad-rollout scenario.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill bad-rollout
wait_for 60 sh -c "'$OPSDECK' get alerts --context prod-tokyo 2>/dev/null | grep -q PodCrashLooping" ||
	fail "PodCrashLooping never fired"
sid=$("$OPSDECK" silence add --context prod-tokyo --matcher alertname=PodCrashLooping \
	--duration 2h --comment "fix rolling out" --author alice 2>/dev/null | tail -n 1)
[ -n "$sid" ] || fail "silence add printed no id"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
cmd "alerts"
wait_screen 30 "HighErrorRate"
wait_screen 30 "silenced"

keys "/HighErrorRate"; key Enter
wait_screen 10 "filter:/HighErrorRate/"
key Enter
wait_screen 20 "describe alerts/HighErrorRate @prod-tokyo"
wait_screen 20 "Inhibited By:"
s=$(screen)
assert_not_contains "$s" "not available"
for want in "Alertname:      HighErrorRate" "State:          firing" "Severity:       critical" \
	"Generator URL:  http://prometheus-k8s.monitoring.svc:9090/graph?g0.expr=error_rate" \
	"Runbook URL:    https://runbooks.example.com/high-error-rate" \
	"Receivers:      team-backend" "Labels:         alertname=HighErrorRate" \
	"                deployment=backend" \
	"Annotations:    description: More than one request in ten fails on the backend." \
	"                summary: backend 5xx rate above 10 % on prod-tokyo" \
	"Silenced By:    <none>" "Inhibited By:   <none>"; do
	assert_contains "$s" "$want" "HighErrorRate's describe"
done
printf '%s\n' "$s" | grep -qE '^Starts At: +[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} [+-][0-9]{4} \([0-9hms]+ ago\)$' ||
	{ printf '%s\n' "$s" >&2; fail "no Starts At line"; }
ok "Enter on a firing alert shows its labels, annotations, times, URLs and receivers"

key Escape
wait_screen 10 "alerts"
keys "/PodCrashLooping"; key Enter
wait_screen 10 "filter:/PodCrashLooping/"
key d
wait_screen 20 "describe alerts/PodCrashLooping @prod-tokyo"
wait_screen 20 "Silenced By:    $sid  by alice, ends "
s=$(screen)
assert_contains "$s" "State:          silenced"
assert_contains "$s" ": fix rolling out"
ok "d on a silenced alert names the silence, its author, end and comment"

key Escape
wait_screen 10 "filter:/PodCrashLooping/"
key y
wait_screen 20 "yaml alerts/PodCrashLooping @prod-tokyo"
wait_screen 20 "fingerprint:"
s=$(screen)
assert_contains "$s" "alertname: PodCrashLooping"
assert_contains "$s" "- $sid"
ok "y on an alert shows it as YAML"
cmd q
wait_exit 30
