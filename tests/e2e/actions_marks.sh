#!/usr/bin/env bash
# Marks across two clusters: Space on websocket in prod-tokyo and in
# prod-osaka, then ":scale 4" scales both after one confirmation showing
# both previews; each cluster's change is audited separately. Then two
# protected contexts where one name is a prefix of the other ("prod" and
# "prod-tokyo"): both are typed, and Esc leaves both untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill "$(drill_test_scenario)" --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary}
  prod-osaka: {role: dr}
YAML
replicas() { kubectl --context "$1" get deploy websocket -n production -o jsonpath='{.spec.replicas}'; }
for c in prod-tokyo prod-osaka; do
	[ "$(replicas $c)" != 4 ] || fail "$c websocket already at 4"
done

# production/websocket marked in both clusters, then ":scale N" up to its
# confirmation
scale_both_marked() {
	cmd "deployments production"
	wait_screen 30 "websocket"
	keys "/websocket"; key Enter
	wait_screen 10 "filter:/websocket/"
	key g; key Space; key j; key Space
	wait_screen 10 "marked:2"
	cmd "scale $1"
	wait_screen 30 "scale: 2 targets (dry run passed)"
}

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka
wait_screen 60 "prod-osaka(dr) live"
scale_both_marked 4
s=$(screen)
assert_contains "$s" "prod-tokyo production/websocket replicas"
assert_contains "$s" "prod-osaka production/websocket replicas"
# both contexts are protected (the drill's kubeconfig says so): both names are typed,
# in --context order, whichever row sorts first on screen
wait_screen 10 "type prod-tokyo,prod-osaka"
keys "prod-tokyo,prod-osaka"; key Enter
both() { [ "$(replicas prod-tokyo)" = 4 ] && [ "$(replicas prod-osaka)" = 4 ]; }
wait_for 60 both || fail "not both scaled: tokyo $(replicas prod-tokyo), osaka $(replicas prod-osaka)"
wait_screen 60 "production/websocket: done"
quit_console

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
scale = [o for o in lines if o["verb"] == "scale"]
assert sorted(o["context"] for o in scale) == ["prod-osaka", "prod-tokyo"], scale
assert all(o["outcome"] == "ok" and o["params"]["replicas"] == 4 and o["origin"] == "prompt"
           for o in scale), scale
PY
ok "marks across two clusters scaled both"

audit_check_intents scale
ok "each scale from the console wrote its intent before the request"

# A context named "prod" (prod-osaka's cluster and user, protected like it)
# beside prod-tokyo: "prod" is part of "prod-tokyo" but must be typed too.
jq '.contexts += [.contexts[] | select(.name == "prod-osaka") | .name = "prod"]' \
	"$KUBECONFIG" >"$T/kc-prefix.json"
tm kill-server 2>/dev/null || true
start_console --kubeconfig "$T/kc-prefix.json" --context prod-tokyo,prod
wait_screen 60 "prod(dr) live"
scale_both_marked 6
wait_screen 10 "type prod-tokyo,prod at the prompt"
key Escape
wait_screen 10 "scale: cancelled"
for c in prod-tokyo prod-osaka; do
	[ "$(replicas $c)" = 4 ] || fail "$c changed after Esc: $(replicas $c)"
done
quit_console
ok "a protected context whose name is part of another's is typed too; Esc changes nothing"
