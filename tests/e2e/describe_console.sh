#!/usr/bin/env bash
# `d` on a deployment in the console shows what `kubectl describe` prints:
# the describe view's lines equal kubectl's, line for line (ages replaced,
# runs of spaces squeezed, trailing spaces dropped as the pane drops them),
# old and new replica sets included, events last.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[ -x "$KUBECTL" ] || skip "no $KUBECTL"

start_drill estate
# settled: the deployment's pods are made (status.replicas and
# updatedReplicas equal spec.replicas), so kubectl, reading after the
# console did, describes the same object
settled() {
	local r
	r=$("$KUBECTL" --context staging -n staging get deployment frontend \
	    -o jsonpath='{.spec.replicas} {.status.replicas} {.status.updatedReplicas}') || return 1
	set -- $r
	[ $# -eq 3 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ]
}
wait_for 60 settled || fail "staging's frontend never had its pods"
start_console --kubeconfig "$KUBECONFIG" --context staging
wait_screen 60 "staging(staging) live"
cmd "deploy @staging"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
key d
wait_screen 20 "describe deployments/staging/frontend"
wait_screen 20 "NewReplicaSet:"
wait_screen 20 "ScalingReplicaSet"

norm() {
	sed -E 's/\b[0-9]+[smhdy]([0-9]+[smh])?\b/AGE/g; s/  +/  /g; s/ +$//'
}
"$KUBECTL" --context staging -n staging describe deployment frontend | norm >"$T/k.out"
# the view: from the third line (under the header) to the first blank line
screen | sed -n '3,$p' | sed '/^$/,$d' | norm >"$T/o.out"
if ! cmp -s "$T/k.out" "$T/o.out"; then
	diff -u "$T/k.out" "$T/o.out" >&2 || true
	fail "the console's describe differs from kubectl describe"
fi
ok "console describe of a deployment is kubectl's ($(wc -l <"$T/o.out") lines)"
cmd q
wait_exit 30
