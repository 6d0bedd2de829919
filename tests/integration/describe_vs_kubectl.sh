#!/usr/bin/env bash
# `opsdeck describe KIND NAME` prints what `kubectl describe` prints, line
# for line, for every pod, deployment, replica set, stateful set, daemon
# set, HPA, cron job, job, pod disruption budget and node of the
# bad-rollout drill (crash-looping pods with a last state, a rollout with
# old and new replica sets, a cordoned, tainted node with a role), on two
# contexts. Ages tick between the two runs: every duration is replaced by
# AGE and runs of spaces are squeezed before comparing; nothing else is
# normalised. As the drill's controllers change objects between the two
# runs, a pair is tried up to five times.
. "$(dirname "$0")/../lib/common.sh"

KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[ -x "$KUBECTL" ] || skip "no $KUBECTL"
start_drill bad-rollout

# Kinds the estate lacks: a disruption budget and a job with an env
# fieldRef, a mount and an emptyDir volume.
"$KUBECTL" --context staging apply -f - >/dev/null <<'EOF' || fail "kubectl apply"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: backend-pdb
  namespace: staging
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: backend
---
apiVersion: batch/v1
kind: Job
metadata:
  name: one-off
  namespace: staging
  labels:
    team: ops
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "echo hi"]
        env:
        - name: POD
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: GREETING
          value: hello
        volumeMounts:
        - name: scratch
          mountPath: /scratch
      volumes:
      - name: scratch
        emptyDir: {}
EOF

node=node/$("$KUBECTL" --context staging get nodes -o jsonpath='{.items[0].metadata.name}')
"$KUBECTL" --context staging cordon "$node" >/dev/null || fail "kubectl cordon"
"$KUBECTL" --context staging taint node "${node#node/}" dedicated=ops:NoSchedule >/dev/null ||
	fail "kubectl taint"
"$KUBECTL" --context staging label "$node" node-role.kubernetes.io/infra= >/dev/null ||
	fail "kubectl label"

# Let the rollout go bad: a pod of the new replica set restarted at least once.
crashed() {
	"$KUBECTL" --context prod-tokyo get pods -n production --no-headers 2>/dev/null |
		awk '$4 > 0 { found = 1 } END { exit !found }'
}
wait_for 90 crashed || fail "no pod restarted in the bad rollout"

norm() {
	sed -E 's/\b[0-9]+[smhdy]([0-9]+[smh])?\b/AGE/g; s/  +/  /g'
}

compared=0
for ctx in prod-tokyo staging; do
	for kind in pods deployments replicasets statefulsets daemonsets hpa cronjobs jobs pdb nodes; do
		while read -r ns name; do
			[ -n "$name" ] || continue
			[ "$ns" != "<none>" ] || ns=default
			# the drill's controllers change objects between the runs: a few tries
			for try in 1 2 3 4 5; do
				"$KUBECTL" --context "$ctx" describe "$kind" -n "$ns" "$name" >"$T/k.raw" 2>&1 ||
					fail "kubectl describe $kind $ns/$name"
				"$OPSDECK" describe "$kind" -n "$ns" "$name" --context "$ctx" >"$T/o.raw" 2>"$T/o.err" ||
					{ cat "$T/o.err" >&2; fail "opsdeck describe $kind $ns/$name on $ctx"; }
				norm <"$T/k.raw" >"$T/k.out"
				norm <"$T/o.raw" >"$T/o.out"
				! cmp -s "$T/k.out" "$T/o.out" || break
				sleep 1
			done
			if ! cmp -s "$T/k.out" "$T/o.out"; then
				diff -u "$T/k.out" "$T/o.out" >&2 || true
				fail "describe $kind $ns/$name on $ctx differs from kubectl"
			fi
			compared=$((compared + 1))
		done < <("$KUBECTL" --context "$ctx" get "$kind" -A --no-headers \
			-o custom-columns=NS:.metadata.namespace,N:.metadata.name 2>/dev/null)
	done
done
[ "$compared" -ge 50 ] || fail "only $compared objects compared"
ok "$compared objects: opsdeck describe matches kubectl describe"

# The sections an on-call engineer looks for are there, in kubectl's order.
pod=$("$KUBECTL" --context prod-tokyo get pods -n production --no-headers |
	awk '$4 > 0 && !found { print $1; found = 1 }')
out=$("$OPSDECK" describe pod -n production "$pod" --context prod-tokyo)
order=$(printf '%s\n' "$out" | grep -oE '^(Name|Containers|    Last State|Conditions|QoS Class|Events):' |
	tr '\n' ' ')
[ "$order" = "Name: Containers:     Last State: Conditions: QoS Class: Events: " ] ||
	fail "pod sections out of order: $order"
ok "crash-looping pod: Last State, Conditions, events last"

out=$("$OPSDECK" describe node "${node#node/}" --context staging)
assert_contains "$out" "Roles:              infra"
assert_contains "$out" "Taints:             dedicated=ops:NoSchedule"
assert_contains "$out" "Unschedulable:      true"
assert_contains "$out" "Non-terminated Pods:"
ok "node: role, taints, cordon, its pods"
