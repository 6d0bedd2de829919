#!/usr/bin/env bash
# `opsdeck describe` against a real control plane (kube-apiserver,
# controller-manager, scheduler, kwok nodes: tests/realk8s) prints what
# kubectl describe prints on the same server, line for line, for every pod,
# deployment, replica set, stateful set, daemon set, HPA, PDB, job, cron job
# and node: real pods carry
# what the drill's do not (projected service-account volumes, default
# tolerations with their seconds, real node leases and conditions).
# Durations are replaced by AGE and runs of spaces squeezed; as controllers
# change objects between the two runs, a pair is tried up to five times.
. "$(dirname "$0")/../lib/realk8s.sh"

realk8s_up real-tokyo
ctx=real-tokyo
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }

norm() {
	sed -E 's/\b[0-9]+[smhdy]([0-9]+[smh])?\b/AGE/g; s/  +/  /g'
}
compared=0
for kind in pods deployments replicasets statefulsets daemonsets hpa pdb jobs cronjobs nodes; do
	while read -r ns name; do
		[ -n "$name" ] || continue
		[ "$ns" != "<none>" ] || ns=default
		# controllers update status between the two runs: a few tries
		for try in 1 2 3 4 5; do
			kc --context "$ctx" describe "$kind" -n "$ns" "$name" 2>&1 | norm >"$T/k.out"
			"$OPSDECK" describe "$kind" -n "$ns" "$name" --context "$ctx" 2>"$T/o.err" |
				norm >"$T/o.out"
			! cmp -s "$T/k.out" "$T/o.out" || break
			sleep 1
		done
		if ! cmp -s "$T/k.out" "$T/o.out"; then
			cat "$T/o.err" >&2
			diff -u "$T/k.out" "$T/o.out" >&2 || true
			fail "describe $kind $ns/$name differs from kubectl"
		fi
		compared=$((compared + 1))
	done < <(kc --context "$ctx" get "$kind" -A --no-headers \
		-o custom-columns=NS:.metadata.namespace,N:.metadata.name 2>/dev/null)
done
[ "$compared" -ge 10 ] || fail "only $compared objects compared"
ok "$compared objects on a real API server: opsdeck describe matches kubectl describe"
