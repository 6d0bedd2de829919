#!/usr/bin/env bash
# Typed parameters are checked before step one, with --dry-run too, and a
# bad value exits non-zero with what the parameter wants: a revision that
# is not a number or not in the deployment's history (its ReplicaSets'
# revision annotations), an int out of bounds, a rule between parameters
# (min <= max), a context that does not exist, an enum outside its choices.
# Good values pass. region-failover's replica counts come from the
# primary's deployments and are shown as parameters before the run.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck" "$T/runbooks"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
contexts:
  prod-tokyo: {role: primary}
  prod-osaka: {role: dr}
YAML
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
wait_for 60 sh -c "kubectl --context prod-tokyo get rs -n production -o name | grep -q backend" ||
	fail "no backend ReplicaSet"
revs=$(k get rs -n production -o json | jq -r '[.items[] | select(.metadata.ownerReferences[0].name=="backend") | .metadata.annotations["deployment.kubernetes.io/revision"]] | sort | join(", ")')
rev=${revs%%,*}
[ -n "$rev" ] || fail "no revision annotation on backend's ReplicaSets"

# refused: run WANT ARGS...: exits non-zero, says WANT, runs no step
refused() {
	local want=$1 out; shift
	out=$("$OPSDECK" runbook run "$@" --context prod-tokyo --dry-run 2>&1) &&
		{ printf '%s\n' "$out"; fail "exit 0 for: $*"; }
	assert_contains "$out" "$want"
	assert_not_contains "$out" "[1/"
	ok "refused before step one: $*"
}
rb="rollback-deployment --target deployments/production/backend"
refused "parameter 'revision' must be a revision number (0: the previous one), not 'abc'" \
	$rb --param revision=abc
refused "refused before step one: parameter 'revision': production/backend has no revision 99 (revisions: $revs)" \
	$rb --param revision=99
so="scale-out --target deployments/production/backend"
refused "parameters break the rule 'min <= max' (min = 50, max = 10)" $so --param min=50 --param max=10
refused "parameter 'min' must be at least 1, not 0" $so --param min=0
refused "parameter 'max' must be an integer, not 'lots'" $so --param max=lots

cat >"$T/runbooks/typed.yaml" <<'YAML'
name: typed
title: typed parameters
severity: P3
parameters:
  - {name: where, type: context, default: prod-tokyo}
  - {name: side, type: role, default: dr}
  - {name: mode, type: enum, choices: [fast, slow], default: fast}
  - {name: drain, type: bool, default: "false"}
  - {name: grace, type: duration, min: 10s, max: 10m, default: 1m}
steps:
  - note: "{{param.where}} {{param.side}} {{param.mode}} {{param.drain}} {{param.grace}}"
YAML
refused "parameter 'where': no context 'nowhere' here" "$T/runbooks/typed.yaml" --param where=nowhere
refused "parameter 'side': no context has the role 'tertiary' here" "$T/runbooks/typed.yaml" --param side=tertiary
refused "parameter 'mode' must be one of its choices, not 'medium'" "$T/runbooks/typed.yaml" --param mode=medium
refused "parameter 'drain' must be true or false, not 'maybe'" "$T/runbooks/typed.yaml" --param drain=maybe
refused "parameter 'grace' must be at most 10m, not 1h" "$T/runbooks/typed.yaml" --param grace=1h
out=$("$OPSDECK" runbook run "$T/runbooks/typed.yaml" --context prod-tokyo --param where=prod-osaka \
	--param grace=90s 2>&1) || { printf '%s\n' "$out"; fail "good values refused"; }
assert_contains "$out" "parameters: where=prod-osaka (given), side=dr (default), mode=fast (default), drain=false (default), grace=90s (given)"
out=$("$OPSDECK" runbook run $rb --param revision="$rev" --context prod-tokyo --dry-run 2>&1) ||
	{ printf '%s\n' "$out"; fail "an existing revision was refused"; }
assert_contains "$out" "revision=$rev (in the deployment's history)"
ok "good values pass"

# A bad runbook file: the default fails its own type.
printf 'name: badd\ntitle: b\nseverity: P3\nparameters:\n  - {name: n, type: int, max: 5, default: "9"}\nsteps:\n  - note: "{{param.n}}"\n' >"$T/badd.yaml"
out=$("$OPSDECK" runbook check "$T/badd.yaml" 2>&1) && fail "a default over its max passed the check"
assert_contains "$out" "default: parameter 'n' must be at most 5, not 9"
ok "runbook check refuses a default that breaks its type"

# region-failover: the replica counts are the primary's, shown before the run
for d in backend:4 frontend:7 websocket:1; do
	k scale deploy "${d%%:*}" -n production --replicas="${d##*:}" >/dev/null
done
# (backend and frontend have HPAs that may move them back: what counts is
# what the primary had when the runbook read it, before or after the run)
replicas() { k get deploy "$1" -n production -o jsonpath='{.spec.replicas}'; }
b0=$(replicas backend) f0=$(replicas frontend)
out=$("$OPSDECK" runbook run region-failover --context prod-osaka --dry-run 2>&1) ||
	{ printf '%s\n' "$out"; fail "region-failover dry run"; }
b1=$(replicas backend) f1=$(replicas frontend)
b=$b0 f=$f0
case $out in *"backend=$b1 (deployments/production/backend@prod-tokyo replicas, read now)"*) b=$b1 ;; esac
case $out in *"frontend=$f1 (deployments/production/frontend@prod-tokyo replicas, read now)"*) f=$f1 ;; esac
assert_contains "$out" "backend=$b (deployments/production/backend@prod-tokyo replicas, read now)"
assert_contains "$out" "frontend=$f (deployments/production/frontend@prod-tokyo replicas, read now)"
assert_contains "$out" "websocket=1 ("
assert_contains "$out" "would run: scale $b @prod-osaka -n production -t deployments/backend"
assert_contains "$out" "would run: scale $f @prod-osaka -n production -t deployments/frontend"
out=$("$OPSDECK" runbook run region-failover --context prod-osaka --dry-run --param backend=9 2>&1) ||
	{ printf '%s\n' "$out"; fail "region-failover dry run"; }
assert_contains "$out" "backend=9 (given)"
ok "region-failover takes the primary's replicas, and a given value wins"
