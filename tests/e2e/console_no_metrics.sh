#!/usr/bin/env bash
# A cluster without metrics-server (404 on metrics.k8s.io, here a fake API
# server that serves pods and nothing else): the pods and nodes views show
# "n/a" for usage, the status line stays free of errors, and the metrics
# are asked for rarely and more rarely (every poll period at first, then
# the failure backoff), never in a storm. Samples every second.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_fake healthy
start_console --kubeconfig "$T/fake-healthy.kubeconfig"
wait_screen 60 "live"
cmd "pods"
wait_screen 30 "pod-a0"
expect 30 "n/a usage" rows_show "pod-a0 .* n/a +n/a"
ok "pods view: n/a where the cluster serves no metrics"
screen | sed -n '47,48p' | grep -qi "metrics" && { screen >&2; fail "an error about metrics on the status line"; }
ok "no error about the missing metrics on the status line"

# node usage is asked for from the start, after 15 s, 30 s more, 60 s
# more...: two or three times in the first ~50 s (every 15 s would be
# four; a storm hundreds)
nodes() { grep -c 'metrics.k8s.io/v1beta1/nodes' "$T/fake-healthy.log" || true; }
first=$(grep -m1 -n 'metrics.k8s.io/v1beta1/nodes' "$T/fake-healthy.log" | cut -d: -f1)
[ -n "$first" ] || fail "node usage never asked for"
sleep 45
alive "$CONSOLE_PID" || fail "console exited"
n=$(nodes)
echo "node usage requests in the first ~50 s: $n"
[ "$n" -ge 2 ] || fail "the metrics were never asked for again"
[ "$n" -le 3 ] || fail "$n node usage requests: the polls do not back off"
ok "a missing metrics API is asked for $n times in the first ~50 s, backing off"
quit_console
