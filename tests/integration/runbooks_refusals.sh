#!/usr/bin/env bash
# Refusals: a viewer context gets "forbidden by RBAC" (SelfSubjectAccessReview
# before anything is sent) and nothing changes; --read-only refuses a runbook
# that mutates; a context marked readOnly in config.yaml refuses the same
# command at the command table; unconfirmed actions are cancelled. Each
# refusal is audited, and the object is untouched.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 5
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary, protected: true}
  prod-osaka: {role: dr, protected: true}
  staging: {role: staging, readOnly: true}
YAML
replicas() { kubectl --context "$1" get deploy "$2" -n "$3" -o jsonpath='{.spec.replicas}'; }
cat >"$T/scale.yaml" <<'YAML'
name: scale-one
title: scale one deployment
severity: P3
parameters:
  - {name: n, default: "7"}
steps:
  - action: "scale {{param.n}}"
YAML
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
before=$(replicas prod-tokyo frontend production)

# A viewer may read but not scale.
out=$("$OPSDECK" runbook run "$T/scale.yaml" --context viewer@prod-tokyo \
	--target deployments/frontend -n production --yes 2>&1) && fail "viewer scaled"
assert_contains "$out" "forbidden by RBAC: drill-viewer may not patch deployments/scale in production"
assert_not_contains "$out" "dry run passed"
[ "$(replicas prod-tokyo frontend production)" = "$before" ] || fail "viewer changed replicas"
tail -n 3 "$audit" | grep -q '"outcome":"forbidden"' || fail "forbidden not audited"

# The same check passes for a viewer: reading is allowed.
printf 'name: look\ntitle: look\nseverity: P3\nsteps:\n  - check: "deployments/production/frontend count == 1"\n' >"$T/look.yaml"
"$OPSDECK" runbook run "$T/look.yaml" --context viewer@prod-tokyo >/dev/null 2>&1 ||
	fail "viewer could not run a read-only runbook"

# --read-only refuses a mutating runbook up front, whatever it would do.
# (Its dry run below needs a revision to go back to: the bad rollout's.)
two_revisions() { [ "$(kubectl --context prod-tokyo get rs -n production -o json |
	jq '[.items[] | select(.metadata.ownerReferences[0].name=="backend")] | length')" -ge 2 ]; }
wait_for 120 two_revisions || fail "the bad rollout never made a second revision"
n=$(wc -l <"$audit")
out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo \
	--target deployments/backend -n production --yes --read-only 2>&1) && fail "read-only ran"
assert_contains "$out" "refused: read-only mode"
[ "$(wc -l <"$audit")" = "$n" ] || fail "read-only run wrote audit lines"
# ... but its dry run shows the plan without changing anything.
out=$("$OPSDECK" runbook run rollback-deployment --context prod-tokyo \
	--target deployments/backend -n production --dry-run --read-only 2>&1) ||
	{ printf '%s\n' "$out"; fail "dry run failed"; }
assert_contains "$out" "dry run: would run: undo 1"
assert_contains "$out" "revision=1 (0: the previous revision)"

# A readOnly context in config.yaml: refused at the command table.
sbefore=$(replicas staging backend staging)
out=$("$OPSDECK" runbook run "$T/scale.yaml" --context staging \
	--target deployments/backend -n staging --yes 2>&1) && fail "read-only context scaled"
assert_contains "$out" "refused"
assert_contains "$out" "staging is read-only"
[ "$(replicas staging backend staging)" = "$sbefore" ] || fail "staging changed"

# Without --yes and without a terminal the confirmation is refused.
out=$("$OPSDECK" runbook run "$T/scale.yaml" --context prod-tokyo \
	--target deployments/frontend -n production </dev/null 2>&1) && fail "unconfirmed scale ran"
assert_contains "$out" "type 'prod-tokyo' to confirm"
assert_contains "$out" "cancelled"
[ "$(replicas prod-tokyo frontend production)" = "$before" ] || fail "unconfirmed scale changed replicas"
tail -n 3 "$audit" | grep -q '"outcome":"cancelled"' || fail "cancel not audited"
ok "viewer forbidden, read-only refused, unconfirmed cancelled"
