#!/usr/bin/env bash
# The console says what is wrong per cluster and per kind, beside a healthy
# drill cluster whose rows still arrive:
#  - a server answering 500 to everything: "error" in the header, "HTTP 500:
#    <message>" in :ctx and the pods view (the message's escape shown as text);
#  - a server answering 403 to every list: the pods view says "forbidden: ...",
#    not an empty table;
#  - a server that never answers: "unreachable" with a reason, by a timer,
#    before any request of it has timed out (in the header where it fits);
#  - keys still answer; when the 500 server turns healthy its rows arrive
#    without a restart.
# Then two contexts on one hung HTTPS server each open their own connection
# (neither waits behind the other's connection attempt).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill bad-rollout
drill_kc=$KUBECONFIG
for m in error forbid-all hang; do start_fake "$m"; done
export KUBECONFIG=$drill_kc:$T/fake-error.kubeconfig:$T/fake-forbid-all.kubeconfig:$T/fake-hang.kubeconfig
start_console --context prod-tokyo,fake-error,fake-forbid-all,fake-hang
cmd pods

expect 60 "the healthy cluster's pods never showed" rows_show "^prod-tokyo +production +backend-"
# header_has REGEX: the cluster lines (2-3) match REGEX.
header_has() { screen | sed -n 2,3p | tr '\n' ' ' | grep -qE -- "$1"; }
# no_notice CLUSTER: the view says nothing about CLUSTER.
no_notice() { ! screen | grep -q "^ ! $1:"; }

# (the reason joins the header only where it takes no extra line; here
# it would not fit, :ctx and the view say it)
expect 30 "the 500 cluster is not in error in the header" header_has 'fake-error error'

expect 30 "the pods view does not say why fake-error has no rows" \
	line_matches_any '^ ! fake-error: error: HTTP 500: etcdserver: request timed out\\x1b\]0;PWNED\\x07'
ok "500 storm: error in the header, the view names the status and the server's message, escape shown as text"

expect 30 "the pods view does not say fake-forbid-all is forbidden" \
	line_matches_any '^ ! fake-forbid-all: forbidden: pods is forbidden: User "test" cannot list resource "pods"'
ok "403 on every list: the view says forbidden with the server's message"

# The hung cluster's lists wait 30 s before their low-speed limit: the
# state comes from the health probe's lateness, well before that.
expect 25 "the hung cluster never said unreachable with a reason" \
	line_matches_any '^ ! fake-hang: unreachable: no answer to /version in 3s'
header_has 'fake-hang unreachable' || { screen >&2; fail "fake-hang not unreachable in the header"; }
ok "never-answering server: unreachable with a reason by a timer"

cmd ctx
expect 10 ":ctx did not open" line_matches_any '^CONTEXT +ROLE +STATE'
expect 10 ":ctx lacks fake-error's reason" \
	line_matches_any '^fake-error +- +error .*HTTP 500: etcdserver: request timed out'
expect 10 ":ctx lacks fake-hang's reason" line_matches_any '^fake-hang +- +unreachable .*no answer|^fake-hang +- +unreachable .*timeout'
ok "keys answer; :ctx lists each failing cluster's reason"

touch "$T/fake-error.log.healthy"
# (that cluster alone: prod-tokyo's rows may fill the screen)
cmd "pods @fake-error"
expect 60 "fake-error did not recover without a restart" rows_show "(^| )pod-a0 "
expect 10 "fake-error's notice stayed after it recovered" no_notice fake-error
ok "the 500 server turns healthy: its rows arrive, its notice goes"
quit_console
tm kill-server 2>/dev/null || true

# Two contexts (two users) on one hung HTTPS server (TLS never completes).
start_hang_listener
cat >"$T/hang2.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: h
  cluster: {server: "https://127.0.0.1:$HANG_PORT", insecure-skip-tls-verify: true}
users:
- {name: a, user: {token: a}}
- {name: b, user: {token: b}}
contexts:
- {name: hang-a, context: {cluster: h, user: a}}
- {name: hang-b, context: {cluster: h, user: b}}
KC
# Headless, each context is its own: both connect at once. Before, every
# request of both contexts waited for the first connection (5 s connect
# timeout) before another was opened.
"$OPSDECK" get pods -A --kubeconfig "$T/hang2.kubeconfig" --context hang-a,hang-b \
	--connect-timeout 5s >/dev/null 2>"$T/hang2.err" &
get_pid=$!
expect 30 "no connection attempts" sh -c "[ \$(wc -l < '$T/hang.accepts') -ge 2 ]"
/usr/bin/python3 - "$T/hang.accepts" <<'PY' || fail "the second context waited behind the first's connection"
import sys
t = [float(l) for l in open(sys.argv[1])]
print("first two connections %.2f s apart" % (t[1] - t[0]))
sys.exit(0 if t[1] - t[0] < 2.5 else 1)
PY
wait "$get_pid" || true
grep -q "hang-a: .*unreachable" "$T/hang2.err" && grep -q "hang-b: .*unreachable" "$T/hang2.err" ||
	{ cat "$T/hang2.err" >&2; fail "get did not name both contexts unreachable"; }
ok "two contexts on one hung server, headless: a connection each, each its own state"

# In the console the two are one cluster (the same server and CA): one
# state, with its reason, through the context named first.
TMUX_SOCK=opsdeck-test-$$-2
on_exit "tmux -L $TMUX_SOCK kill-server"
start_console --kubeconfig "$T/hang2.kubeconfig" --context hang-a,hang-b
expect 30 "hang-a not unreachable with a reason in the header" \
	header_has 'hang-a unreachable: [^ ]'
if header_has 'hang-b'; then screen >&2; fail "hang-b shown beside hang-a"; fi
ok "console: the two contexts of one hung server are one cluster, unreachable with a reason"
