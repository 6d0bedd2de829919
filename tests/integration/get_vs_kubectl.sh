#!/usr/bin/env bash
# `opsdeck get` prints what kubectl prints: for every context of the drill
# estate and for pods, deployments and hpa, `opsdeck get KIND -A --context C`
# minus its CLUSTER column equals `kubectl get KIND -A --context C` byte for
# byte. AGE (and the "(2m ago)" part of RESTARTS) can tick between the two
# runs: the pair is retried a few times and must match exactly once; only
# if every try differs does the test fail, showing the diff.
. "$(dirname "$0")/../lib/common.sh"

KUBECTL=${KUBECTL:-/usr/bin/kubectl}
start_drill estate
mapfile -t contexts < <("$KUBECTL" config get-contexts -o name)
[ ${#contexts[@]} -ge 2 ] || fail "estate has fewer than 2 contexts"

# Let the estate come up (pods start as ContainerCreating) so that rows
# hold still between the kubectl and the opsdeck run.
settled() {
	local c
	for c in "${contexts[@]}"; do
		"$KUBECTL" get pods -A --context "$c" --no-headers 2>/dev/null |
			awk '$4 != "Running" { bad = 1 } END { exit bad }' || return 1
	done
}
wait_for 120 settled || echo "note: estate pods not all Running yet; comparing anyway"

# strip_cluster FILE: drop the first column (CLUSTER + its padding). The
# column is as wide as its widest cell + 3 spaces, the same on every line.
strip_cluster() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
if not lines:
    sys.exit(0)
head = lines[0]
assert head.startswith("CLUSTER"), head
# the next column starts at the first non-space after "CLUSTER"
i = len("CLUSTER")
while i < len(head) and head[i] == " ":
    i += 1
for l in lines:
    print(l[i:])
PY
}

# compare KIND CONTEXT [extra args]: up to 8 tries for an exact match.
compare() {
	local kind=$1 ctx=$2 try
	shift 2
	for try in 1 2 3 4 5 6 7 8; do
		"$KUBECTL" get "$kind" -A --context "$ctx" "$@" >"$T/k.out" 2>"$T/k.err" || true
		"$OPSDECK" get "$kind" -A --context "$ctx" "$@" >"$T/o.raw" 2>"$T/o.err" ||
			{ cat "$T/o.err"; fail "opsdeck get $kind --context $ctx failed"; }
		strip_cluster "$T/o.raw" >"$T/o.out"
		if cmp -s "$T/k.out" "$T/o.out"; then
			if [ ! -s "$T/k.out" ]; then
				# nothing to list: both say so on stderr
				assert_contains "$(cat "$T/k.err")" "No resources found" "kubectl stderr"
				assert_contains "$(cat "$T/o.err")" "No resources found" "opsdeck stderr"
				return 0
			fi
			# every row is labelled with the context in CLUSTER
			if awk -v c="$ctx" 'NF > 0 && $1 != "CLUSTER" && $1 != c { bad = 1 } END { exit !bad }' "$T/o.raw"; then
				fail "rows of $ctx carry another CLUSTER value"
			fi
			return 0
		fi
		sleep 1
	done
	diff -u "$T/k.out" "$T/o.out" >&2 || true
	fail "$kind on $ctx differs from kubectl"
}

for ctx in "${contexts[@]}"; do
	for kind in pods deployments hpa; do
		compare "$kind" "$ctx"
	done
	ok "$ctx: pods, deployments, hpa match kubectl"
done

# Every other kind with a printer, on the primary context (it runs Velero
# and Argo Rollouts).
ctx=${contexts[0]}
for c in "${contexts[@]}"; do [ "$c" = prod-tokyo ] && ctx=$c; done
for kind in nodes rs sts ds jobs cj pdb ns svc backups schedules rollouts deploy,backups,rollouts; do
	compare "$kind" "$ctx"
done
ok "$ctx: nodes, replicasets, ..., backups, schedules, rollouts, and several kinds at once match kubectl"

# One namespace (no NAMESPACE column), and wide output, on a context with pods.
for ctx in "${contexts[@]}"; do
	ns=$("$KUBECTL" get pods -A --context "$ctx" -o jsonpath='{.items[0].metadata.namespace}')
	[ -n "$ns" ] && break
done
[ -n "$ns" ] || fail "no context has pods"
for try in 1 2 3 4 5; do
	"$KUBECTL" get pods -n "$ns" --context "$ctx" >"$T/k.out"
	"$OPSDECK" get pods -n "$ns" --context "$ctx" >"$T/o.raw"
	strip_cluster "$T/o.raw" >"$T/o.out"
	cmp -s "$T/k.out" "$T/o.out" && break
	[ "$try" -lt 5 ] || { diff -u "$T/k.out" "$T/o.out" >&2; fail "pods -n $ns differ"; }
	sleep 1
done
ok "pods -n $ns match kubectl"
compare pods "$ctx" -o wide
compare deployments "$ctx" -o wide
ok "$ctx: -o wide matches kubectl"
compare pods "$ctx" -l 'app in (frontend,backend)'
compare deployments "$ctx" -l 'app!=frontend'
ok "$ctx: label selectors match kubectl"

# Several contexts at once: each context's rows are its own kubectl rows.
"$OPSDECK" get deployments -A --all-contexts >"$T/all.raw" || fail "get --all-contexts failed"
for ctx in "${contexts[@]}"; do
	n_k=$("$KUBECTL" get deployments -A --context "$ctx" --no-headers 2>/dev/null | wc -l)
	n_o=$(awk -v c="$ctx" 'NR > 1 && $1 == c' "$T/all.raw" | wc -l)
	[ "$n_k" = "$n_o" ] || fail "$ctx: kubectl has $n_k deployments, --all-contexts shows $n_o"
done
ok "--all-contexts: every context's deployments, each labelled"

# Argo CD's Applications and ApplicationSets (custom resources: the columns
# are their CRDs' printer columns, REVISION and PROJECT only with -o wide)
# on the gitops drill, against kubectl 1.33.
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
[ -x "$KUBECTL" ] || skip "kubectl 1.33 missing"
kill "$DRILL_PID" 2>/dev/null || true
wait "$DRILL_PID" 2>/dev/null || true
start_drill gitops
wait_for 30 "$KUBECTL" get applications -n argocd --context staging || fail "no applications"
for ctx in prod-tokyo staging; do
	compare applications "$ctx"
	compare applications "$ctx" -o wide
	compare applicationsets "$ctx"
done
out=$("$OPSDECK" get app -A --context prod-tokyo)
assert_contains "$out" "OutOfSync" "prod-tokyo applications"
assert_contains "$out" "Synced" "prod-tokyo applications"
ok "applications (-o wide too) and applicationsets match kubectl 1.33"
