#!/usr/bin/env bash
# opsdeck against a real control plane: a kube-apiserver with RBAC and the
# default admission plugins, controller-manager, scheduler and kwok nodes
# whose pods go Running and Ready, started by this test and stopped when it
# ends (tests/realk8s/realk8s.sh).
# - `opsdeck get pods -A` and `opsdeck get deployments -A` list the same
#   rows (namespace/name) as kubectl on the same server, and every cell both
#   print (READY, STATUS, RESTARTS, UP-TO-DATE, AVAILABLE; AGE aside) is
#   equal; so are replicasets, statefulsets, daemonsets, hpa, pdb, cronjobs,
#   nodes and pods -o wide; and so are the custom resources rollouts,
#   schedules and backups, in the columns their CRDs declare.
# - The exec-plugin user reads the same pods.
# - The viewer (a token bound to the "view" ClusterRole) can read, but a
#   scale through opsdeck is refused as forbidden by the server's RBAC and
#   changes nothing; the admin's same scale goes through.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"

t_start=$SECONDS
realk8s_up real-tokyo
ctx=real-tokyo
ok "estate up in $((SECONDS - t_start))s"
t_up=$SECONDS
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
npods=$(kc --context "$ctx" get pods -A --no-headers | wc -l)
ok "estate settled in $((SECONDS - t_up))s: $npods pods Running, every deployment available"

same_cells pods "$ctx"
grep -q $'\tREADY=1/1\tSTATUS=Running\t' "$T/o.cells" || fail "opsdeck shows no Running 1/1 pod"
[ "$(wc -l <"$T/o.cells")" -eq "$npods" ] || fail "opsdeck lists $(wc -l <"$T/o.cells") pods, kubectl $npods"
ok "get pods -A: $npods rows, READY/STATUS/RESTARTS equal to kubectl's"
same_cells deployments "$ctx"
grep -q '^production/backend	READY=5/5	' "$T/o.cells" || { cat "$T/o.cells" >&2; fail "production/backend not 5/5"; }
ok "get deployments -A: $(wc -l <"$T/o.cells") rows, READY/UP-TO-DATE/AVAILABLE equal to kubectl's"

# The other kinds the console lists, and the wide pod rows (NODE, IP: the
# scheduler's and kwok's work).
for kind in replicasets statefulsets daemonsets hpa pdb cronjobs nodes; do
	same_cells "$kind" "$ctx"
done
ok "get replicasets, statefulsets, daemonsets, hpa, pdb, cronjobs, nodes -A: cells equal to kubectl's"
# Custom resources: the columns their CRDs declare (additionalPrinterColumns,
# the Table the server builds), not the console's own; values a resource
# lacks (no Velero or Argo controller runs here: no status) are null cells,
# which kubectl prints empty.
same_cells rollouts "$ctx"
head -n 1 "$T/o.out" | grep -Eq '^CLUSTER +NAMESPACE +NAME +DESIRED +CURRENT +UP-TO-DATE +AVAILABLE +AGE$' ||
	{ cat "$T/o.out" >&2; fail "opsdeck get rollouts: not the Rollout CRD's columns"; }
grep -q $'^production/checkout\tDESIRED=2\tCURRENT=\t' "$T/o.cells" ||
	{ cat "$T/o.cells" >&2; fail "opsdeck get rollouts: production/checkout not DESIRED 2, CURRENT empty"; }
same_cells schedules "$ctx"
grep -q $'^velero/daily\tSTATUS=\tSCHEDULE=0 3 \* \* \*\tLASTBACKUP=\tPAUSED=$' \
	"$T/o.cells" || { cat "$T/o.cells" >&2; fail "opsdeck get schedules: velero/daily cells"; }
same_cells backups "$ctx"
head -n 1 "$T/o.out" | grep -Eq '^CLUSTER +NAMESPACE +NAME +AGE$' ||
	{ cat "$T/o.out" >&2; fail "opsdeck get backups: not NAME and AGE (the CRD declares no columns)"; }
same_cells rollouts "$ctx" -o wide
ok "get rollouts, schedules, backups -A: the CRDs' columns, cells equal to kubectl's"
same_cells pods "$ctx" -o wide
grep -q $'\tNODE=real-tokyo-node-' "$T/o.cells" || fail "opsdeck -o wide shows no pod on a kwok node"
ok "get pods -A -o wide: NODE, IP, NOMINATED NODE, READINESS GATES equal to kubectl's"

# The viewer reads what the admin reads ...
same_cells deployments "$ctx-viewer"
ok "the viewer (token, view ClusterRole) reads the same deployments"
# ops USER FILTER: the API server's audit events of opsdeck's requests as
# USER, through the jq FILTER.
ops() { jq -c "select(.userAgent | startswith(\"opsdeck/\")) | select(.user.username == \"$1\") | $2" \
	"$RK_DIR/$ctx/apiserver.audit.log"; }
same_cells pods "$ctx-exec"
[ -n "$(ops opsdeck-exec 'select(.objectRef.resource == "pods")')" ] ||
	fail "opsdeck's pod list did not reach the server as the exec plugin's user"
ok "the exec-plugin user reads the same pods (the server saw opsdeck-exec)"

# ... but may not scale. The server itself refuses it (kubectl is told
# Forbidden), and opsdeck, asked the same, is refused and sends nothing.
replicas() { kc --context "$ctx" -n production get deploy frontend -o jsonpath='{.spec.replicas}'; }
before=$(replicas)
out=$(kc --context "$ctx-viewer" -n production scale deploy/frontend --replicas=7 2>&1) &&
	fail "the real server let the viewer scale: $out"
assert_contains "$out" "Forbidden" "kubectl as viewer"
cat >"$T/scale.yaml" <<'YAML'
name: scale-one
title: scale one deployment
severity: P3
parameters:
  - {name: n, default: "4"}
steps:
  - action: "scale {{param.n}}"
YAML
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
out=$("$OPSDECK" runbook run "$T/scale.yaml" --context "$ctx-viewer" \
	--target deployments/frontend -n production --yes 2>&1) && { printf '%s\n' "$out" >&2; fail "opsdeck scaled as the viewer"; }
assert_contains "$out" "forbidden by RBAC: realk8s-viewer may not patch deployments/scale in production"
[ "$(replicas)" = "$before" ] || fail "the viewer's scale changed replicas ($before -> $(replicas))"
tail -n 3 "$audit" | grep -q '"outcome":"forbidden"' || fail "the refusal was not audited"
# The server's audit log: opsdeck asked a SelfSubjectAccessReview as the
# viewer (the real RBAC's answer is the refusal above) and sent no scale.
[ -n "$(ops opsdeck-viewer 'select(.objectRef.resource == "selfsubjectaccessreviews")')" ] ||
	fail "no SelfSubjectAccessReview from opsdeck as the viewer reached the server"
[ -z "$(ops opsdeck-viewer 'select(.objectRef.subresource == "scale" and .verb != "get")')" ] ||
	fail "opsdeck sent the viewer's scale to the server"
ok "the viewer is refused a scale by the real RBAC; replicas stay $before; audited"

# The same runbook as the admin goes through: the refusal was the viewer's.
"$OPSDECK" runbook run "$T/scale.yaml" --context "$ctx" \
	--target deployments/frontend -n production --yes >"$T/admin-scale.out" 2>&1 ||
	{ cat "$T/admin-scale.out" >&2; fail "the admin's scale failed"; }
scaled_to_4() { [ "$(replicas)" = 4 ]; }
wait_for 30 scaled_to_4 || fail "the admin's scale did not reach the server (replicas $(replicas))"
ok "the admin's scale to 4 reached the real server"
ok "total $((SECONDS - t_start))s"
