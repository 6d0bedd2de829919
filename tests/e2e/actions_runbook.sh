#!/usr/bin/env bash
# A runbook from the console: ":runbook rollback-deployment" on the selected
# crash-looping deployment runs the same engine as the headless command: its
# undo step asks for confirmation in a dialog, the run completes, and the
# drill's backend is healthy again. In read-only mode the runbook is refused.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
bad() { kubectl --context prod-tokyo get deploy backend -n production \
	-o jsonpath='{.spec.template.spec.containers[0].image}' | grep -q -- -bad; }
wait_for 120 bad || fail "the bad rollout never started"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo --read-only
wait_screen 60 "prod-tokyo(primary) live"
show_backend
cmd "runbook rollback-deployment"
wait_screen 10 "refused: read-only mode (runbook rollback-deployment changes things)"
quit_console
tm kill-server 2>/dev/null || true
bad || fail "read-only console ran the runbook"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
show_backend
cmd "runbook rollback-deployment"
wait_screen 60 "undo: 1 target (dry run passed)"
assert_contains "$(screen)" "rollback to revision"
# prod-tokyo is protected (the drill's kubeconfig says so): its name is typed
wait_screen 10 "type prod-tokyo"
keys "prod-tokyo"; key Enter
wait_screen 180 "runbook rollback-deployment: completed"
bad && fail "backend still on the bad image"
quit_console
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
steps = [o for o in lines if o["verb"] == "runbook-step" and o["runbook"] == "rollback-deployment"]
assert [o["outcome"] for o in steps] == ["ok"] * 8, steps
undo = [o for o in lines if o["verb"] == "undo"]
assert len(undo) == 1 and undo[0]["origin"] == "runbook" and undo[0]["outcome"] == "ok", undo
PY
ok ":runbook in the console rolled back backend"
