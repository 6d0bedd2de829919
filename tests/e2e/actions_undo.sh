#!/usr/bin/env bash
# `u` on the crash-looping backend deployment of a protected context, with
# the cluster name typed, rolls back to the healthy revision; the follow-up
# reports done and the audit log has it. A wrong typed name cancels and
# nothing changes.
# The same key and the same ":" command are refused in read-only mode.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

# backend_selected: the filtered table holds rows (the header counts them,
# and the cursor is on the first) and the backend deployment is among them.
backend_selected() {
	line_matches 1 "\[[1-9][0-9]*/[0-9]+\] .*filter:/backend/" &&
		rows_show "(^| )backend +[0-9]+/[0-9]+ "
}
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary, protected: true}
  prod-osaka: {role: dr, protected: true}
  staging: {role: staging}
YAML
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
image() { k get deploy backend -n production -o jsonpath='{.spec.template.spec.containers[0].image}'; }
bad() { image | grep -q -- -bad; }
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl

wait_for 120 bad || fail "the bad rollout never started"
# Read-only first: the key and the command are both refused.
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka --read-only
wait_screen 60 "prod-tokyo(primary) live"
cmd "deployments @prod-tokyo production"
wait_screen 30 "backend"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
expect 60 "the backend row shown and selected" backend_selected
key u
wait_screen 10 "refused: read-only mode"
cmd "undo"
wait_screen 10 "undo: refused: read-only mode"
bad || fail "read-only console changed the deployment"
[ ! -s "$audit" ] || ! grep -q '"verb":"undo","outcome":"ok"' "$audit" || fail "read-only undo audited ok"
quit_console
tm kill-server 2>/dev/null || true
ok "read-only refuses u and :undo"

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka
wait_screen 60 "prod-tokyo(primary) live"
cmd "deployments @prod-tokyo production"
wait_screen 30 "backend"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
# the filter shows before the rows do: u needs the backend row selected
expect 60 "the backend row shown and selected" backend_selected

# Right name: rolled back, followed up until done.
key u
wait_screen 30 "rollback to revision"
wait_screen 10 "type prod-tokyo"
keys "prod-tokyo"; key Enter
wait_screen 120 "undo prod-tokyo production/backend: done"
bad && fail "still the bad image after undo"
echo "backend image now $(image)"
# The revision pane follows: the revisions kubectl lists after the undo
# (the old good revision renumbered), not those from before it.
revisions() { k rollout history deploy/backend -n production | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | tr '\n' ' '; }
pane_revisions() {
	screen | sed -n '/revision history: backend/,$p' | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | tr '\n' ' '
}
pane_matches_kubectl() { [ -n "$(revisions)" ] && [ "$(pane_revisions)" = "$(revisions)" ]; }
expect 15 "revision pane $(pane_revisions)= kubectl's $(revisions)after the undo" pane_matches_kubectl
ok "the revision pane shows kubectl's revisions after the undo: $(revisions)"

# A protected context refuses a wrong typed name: nothing changes.
replicas() { k get deploy frontend -n production -o jsonpath='{.spec.replicas}'; }
before=$(replicas)
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
cmd "scale 7"
wait_screen 30 "replicas $before → 7"
wait_screen 10 "type prod-tokyo"
keys "prod-osaka"; key Enter
wait_screen 10 "scale: cancelled (not confirmed)"
[ "$(replicas)" = "$before" ] || fail "a wrong typed name still scaled"
ok "wrong typed name cancels"
quit_console

/usr/bin/python3 - "$audit" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
undo = [o for o in lines if o["verb"] == "undo"]
assert [o["outcome"] for o in undo] == ["ok"], undo
ok = undo[0]
scale = [o for o in lines if o["verb"] == "scale"]
assert [o["outcome"] for o in scale] == ["cancelled"], scale
assert scale[0]["origin"] == "prompt" and scale[0]["params"]["replicas"] == 7, scale
assert ok["origin"] == "key" and ok["context"] == "prod-tokyo", ok
assert ok["target"] == {"kind": "deployments", "namespace": "production", "name": "backend"}, ok
PY
ok "u with the typed name restores the healthy revision"
