#!/usr/bin/env bash
# The console's shell (x) and port-forward (F, :port-forwards) through a
# real kube-apiserver: the server opens the kubelet's streaming endpoints of
# kwok's fake node (kwok serves them when told by its Exec and PortForward
# rules, given here with RK_KWOK_ARGS; the other realk8s tests start kwok
# without them).
# - x on a staging backend pod: the console hands the terminal to
#   `kubectl exec -it`; the command typed runs where kwok's Exec rule says
#   (a folder of the test, an environment variable only that rule sets) and
#   its output is on screen; exit gives the console back with exit status 0;
#   the API server's audit log holds the pods/exec request, the console's
#   audit log the intent and outcome.
# - F on the same pod, LOCAL 0: the forward is listed in :port-forwards,
#   curl through its local port reaches a local HTTP server behind kwok's
#   PortForward target; Ctrl-D in the view stops it and curl no longer
#   connects; the API server audited the pods/portforward request.
. "$(dirname "$0")/../lib/realk8s.sh"
. "$RK_REPO/tests/e2e/console_lib.bash"
command -v curl >/dev/null 2>&1 || skip "curl not installed"
command -v jq >/dev/null 2>&1 || skip "jq missing"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

ctx=real-tokyo
mark=exec-mark-$$-$RANDOM
mkdir -p "$T/podroot" "$T/www"
echo "served behind the forward $mark" >"$T/www/index.txt"
hport=$(rk_free_ports 1)
/usr/bin/python3 -m http.server "$hport" --bind 127.0.0.1 --directory "$T/www" \
	>"$T/http.log" 2>&1 &
hpid=$!
on_exit "kill $hpid"
# kwok's rules: exec runs on this host in $T/podroot with RK_SHELL_MARK
# set; port 3000 of any pod is forwarded to the local HTTP server.
cat >"$T/kwok.yaml" <<-YAML
	kind: ClusterExec
	apiVersion: kwok.x-k8s.io/v1alpha1
	metadata: {name: realk8s-exec}
	spec:
	  execs:
	  - local:
	      workDir: "$T/podroot"
	      envs: [{name: RK_SHELL_MARK, value: "$mark"}]
	---
	kind: ClusterPortForward
	apiVersion: kwok.x-k8s.io/v1alpha1
	metadata: {name: realk8s-portforward}
	spec:
	  forwards:
	  - ports: [3000]
	    target: {address: 127.0.0.1, port: $hport}
YAML
export RK_KWOK_ARGS="--config $T/kwok.yaml"
realk8s_up "$ctx"
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
pod=$(kc --context "$ctx" -n staging get pods -l app=backend \
	-o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort | head -1)
[ -n "$pod" ] || fail "no staging backend pod"
audit=$RK_DIR/$ctx/apiserver.audit.log
# subresource_requests SUB: the API server's audit events of requests on
# $pod's SUB (a forward still open has its ResponseStarted event only)
subresource_requests() {
	jq -c --arg p "$pod" --arg s "$1" 'select(.objectRef.name? == $p and
		.objectRef.subresource? == $s and .objectRef.namespace? == "staging")' "$audit"
}

start_console --kubeconfig "$KUBECONFIG" --context "$ctx"
wait_screen 60 " live"
cmd "pods @$ctx staging"
wait_screen 30 "$pod"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
key g

# (1) the shell
key x
expect 30 "the console left the screen to the shell" bash -c \
	"! tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q 'filter:/backend/'"
keys 'echo "got:$RK_SHELL_MARK:$(pwd)"'; key Enter
# kwok's local exec gives sh no terminal: its prompt ("# ") may come
# before the output on the same line
expect 30 "the command ran under kwok's Exec rule" line_matches_any "got:$mark:$T/podroot\$"
keys "exit"; key Enter
wait_screen 30 "ended (kubectl exit status 0)"
expect 10 "the console's screen is back" line_matches_any "filter:/backend/"
[ -n "$(subresource_requests exec)" ] || fail "the API server audited no pods/exec on $pod"
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$pod" "$ctx" <<'PY' || fail "shell audit"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
shell = [o for o in lines if o["verb"] == "shell"]
intent = [o for o in shell if o["phase"] == "intent"]
assert len(intent) == 1 and intent[0]["context"] == sys.argv[3], shell
assert "exec -it %s -c backend -- sh" % sys.argv[2] in intent[0]["params"]["kubectl"], intent
out = [o for o in shell if o.get("intent") == intent[0]["id"]]
assert len(out) == 1 and out[0]["outcome"] == "ok" and out[0]["params"]["exit_status"] == 0, out
PY
ok "x ran a shell in $pod through the API server and kwok: the command's output on screen, exit 0"

# (2) the port-forward
forward_pod "$pod" 3000
lport=$PF_LPORT
out=$(curl -sS --max-time 10 "http://127.0.0.1:$lport/index.txt") || fail "curl through the forward"
[ "$out" = "served behind the forward $mark" ] || fail "curl got: $out"
[ -n "$(subresource_requests portforward)" ] || fail "the API server audited no pods/portforward on $pod"
ok "F forwarded 127.0.0.1:$lport to $pod:3000 through the API server; curl reached kwok's target"

key g
key C-d
wait_screen 10 "stopping port-forward"
expect 30 "the forward ended" line_matches_any "pod/$pod:3000 .* ended .*stopped"
curl -sS --max-time 5 "http://127.0.0.1:$lport/index.txt" >/dev/null 2>&1 &&
	fail "still forwarding after C-d"
ok "C-d in :port-forwards stopped it"
quit_console
