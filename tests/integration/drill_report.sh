#!/usr/bin/env bash
# opsdeck drill report reads a running drill through its kubeconfig: the
# scenario, the faults as they are injected, and after the failover runbook
# the resolution with the time to mitigate. The drill's kubeconfig carries
# each cluster's role in the opsdeck.dev/context extension, so the runbook
# finds {{role:dr}} with no config.yaml, and real kubectl accepts the file.
. "$(dirname "$0")/../lib/common.sh"

start_drill region-outage --speed 10

# Roles ride in the kubeconfig; kubectl 1.27 and 1.33 accept the extension.
[ "$(jq -r '.contexts[] | select(.name=="prod-osaka") | .context.extensions[0].extension.role' "$KUBECONFIG")" = dr ] ||
	fail "prod-osaka carries no dr role"
[ "$(jq -r '[.contexts[] | select(.context.extensions[0].extension.role != null)] | length' "$KUBECONFIG")" = 4 ] ||
	fail "only the four admin contexts should carry roles"
[ "$(jq -r '[.contexts[] | select(.context.extensions[0].extension.drill == true)] | length' "$KUBECONFIG")" = 12 ] ||
	fail "every drill context should say it is a drill's"
for v in 1.27 1.33; do
	/usr/lib/google-cloud-sdk/bin/kubectl.$v --context prod-osaka get ns default >/dev/null ||
		fail "kubectl $v rejects the drill kubeconfig"
done

# Before mitigation: the fault is reported, not resolved.
injected() { "$OPSDECK" drill report -o json | jq -e '.faults[0].injected != null' ; }
wait_for 60 injected || fail "the fault was never reported as injected"
out=$("$OPSDECK" drill report --kubeconfig "$KUBECONFIG")
assert_contains "$out" "region-outage"
assert_contains "$out" "cluster-unreachable"
assert_contains "$out" "resolved   no"
"$OPSDECK" drill report --context prod-osaka -o json | jq -e '.resolved == false' >/dev/null ||
	fail "resolved too early"

# Mitigate with the shipped runbook, headless, roles from the kubeconfig only.
[ ! -e "$XDG_CONFIG_HOME/opsdeck/config.yaml" ] || fail "test must run without config.yaml"
"$OPSDECK" runbook run region-failover --yes >"$T/run.log" 2>&1 || { cat "$T/run.log"; fail "failover runbook failed"; }
grep -q "switch api.example.com to prod-osaka" "$T/run.log" || fail "{{role:dr}} did not expand to prod-osaka"

resolved() { "$OPSDECK" drill report -o json | jq -e '.resolved == true and .timeToMitigateSeconds > 0'; }
wait_for 60 resolved || { "$OPSDECK" drill report; fail "drill not resolved after the failover"; }
out=$("$OPSDECK" drill report)
assert_contains "$out" "resolved   yes"
assert_contains "$out" "mitigated"

# A kubeconfig that names no drill is an error, not an empty report.
"$OPSDECK" drill report --kubeconfig "$T/nonexistent" 2>"$T/err" && fail "missing kubeconfig accepted"
grep -q nonexistent "$T/err" || fail "error does not name the file"
ok "drill report follows the drill from fault to resolution"
