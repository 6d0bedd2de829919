#!/usr/bin/env bash
# The shell key (x) on a pod: the console hands the terminal to
# `kubectl exec -it` against the drill's simulated container, `hostname`
# prints the pod's name there, the watches go on meanwhile (a scale made
# during the shell is on screen after it), the screen comes back when the
# shell exits, and the session is audited (intent at the start, outcome
# with the exit status at the end). :debug does the same with a debug
# container. Protected contexts ask for the typed name first; RBAC,
# --read-only and a missing kubectl refuse.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate
k() { kubectl --context staging -n staging "$@"; }
backends() { [ "$(k get pods -l app=backend -o name | wc -l)" -eq "$1" ]; }
phase_is() { [ "$(k get pod "$1" -o jsonpath='{.status.phase}')" = "$2" ]; }
wait_for 60 k get deploy backend || fail "no staging backend"
wait_for 60 backends 2 || fail "no backend pods"
pod=$(k get pods -l app=backend -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort | head -1)
wait_for 60 phase_is "$pod" Running || fail "$pod is not running"
before=$(k get pods -l app=backend -o name | sort)

start_console --kubeconfig "$KUBECONFIG" --context staging,prod-tokyo
first_staging_backend "$pod"
key x
wait_screen 30 "/ #"
expect 10 "the console left the screen to the shell" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q 'filter:/backend/'"
keys "hostname"; key Enter
expect 10 "hostname printed the pod's name in the shell" line_matches_any "^$pod\$"
ok "x opened a shell in $pod: hostname answered"

# the console's watches go on while kubectl has the terminal
k scale deploy backend --replicas=3 >/dev/null
wait_for 60 backends 3 || fail "backend did not scale"
new=$(comm -13 <(echo "$before") <(k get pods -l app=backend -o name | sort) | sed 's|^pod/||')
[ -n "$new" ] || fail "no new backend pod"
keys "exit"; key Enter
wait_screen 15 "ended (kubectl exit status 0)"
expect 10 "the console's screen is back" line_matches 1 "pods @staging"
wait_screen 30 "$new"
assert_not_contains "$(screen)" "/ #"
ok "the screen came back after exit, with the pod created during the shell"

# the session's audit: an intent at the start, its outcome at the end
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$pod" <<'PY' || fail "shell audit"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
shell = [o for o in lines if o["verb"] == "shell"]
intent = [o for o in shell if o["phase"] == "intent"]
assert len(intent) == 1, shell
i = intent[0]
assert i["context"] == "staging" and i["target"]["name"] == sys.argv[2], i
assert i["kube_user"] == "drill-admin" and i["user"], i
assert i["request"]["path"].endswith("/pods/%s/exec?command=sh&container=backend&stdin=true"
    "&stdout=true&tty=true" % sys.argv[2]), i
assert "exec -it %s -c backend -- sh" % sys.argv[2] in i["params"]["kubectl"], i
out = [o for o in shell if o.get("intent") == i["id"]]
assert len(out) == 1 and out[0]["outcome"] == "ok", out
assert out[0]["params"]["exit_status"] == 0, out
assert out[0]["time"] > i["time"], (i["time"], out[0]["time"])
print("audit: shell started %s, ended %s" % (i["time"], out[0]["time"]))
PY
audit_check_intents shell

# a debug container (kubectl debug) for images without a shell: the
# drill adds the ephemeral container, starts it and attaches to it
key g
cmd "debug"
wait_screen 30 "debug container image: busybox:1.36"
key Enter
wait_screen 60 "/ #"
keys "hostname"; key Enter
expect 10 "hostname in the debug container" line_matches_any "^$pod\$"
keys "exit"; key Enter
wait_screen 15 "debug staging staging/$pod: ended (kubectl exit status 0)"
[ "$(k get pod "$pod" -o jsonpath='{.spec.ephemeralContainers[0].image}')" = busybox:1.36 ] ||
	fail "no ephemeral container in $pod"
[ "$(k get pod "$pod" -o jsonpath='{.status.ephemeralContainerStatuses[0].state.running.startedAt}')" != "" ] ||
	fail "the ephemeral container is not running"
grep '"verb":"debug"' "$XDG_STATE_HOME/opsdeck/audit.jsonl" | grep -q '"phase":"intent".*ephemeralcontainers' ||
	fail "no debug intent"
ok ":debug added a busybox debug container to $pod and attached to it"

# two containers: the console asks which, the pod's default container
# prefilled; what the container holds from the cluster comes out escaped
k apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: two
  annotations:
    kubectl.kubernetes.io/default-container: side
spec:
  containers:
  - name: app
    image: busybox
  - name: side
    image: busybox
    env:
    - name: GREETING
      value: "hello\u001b[31m"
EOF
wait_for 30 phase_is two Running || fail "pod two not running"
keys "/two"; key Enter
wait_screen 30 "filter:/two/"
wait_screen 30 "two "
key g
key x
wait_screen 30 "shell into container (app, side): side"
key Enter
wait_screen 30 "/ #"
keys "env"; key Enter
wait_screen 10 'GREETING=hello\x1b[31m'
keys "exit"; key Enter
wait_screen 15 "ended (kubectl exit status 0)"
key x
wait_screen 30 "shell into container (app, side): side"
key C-u; keys "app"; key Enter
wait_screen 30 "/ #"
keys "env"; key Enter
wait_screen 10 "HOME=/root"
assert_not_contains "$(screen)" "GREETING"
keys "exit"; key Enter
wait_screen 15 "ended (kubectl exit status 0)"
[ "$(grep '"phase":"intent"' "$XDG_STATE_HOME/opsdeck/audit.jsonl" | grep '"name":"two"' |
	jq -r .params.container | tr '\n' ' ')" = "side app " ] || fail "containers chosen"
ok "two containers: asked, the default prefilled, another one chosen"

# a pod of a protected context: its name is typed first; a non-zero exit
# is the session's failure
cmd "pods @prod-tokyo production"
wait_screen 30 "pods @prod-tokyo"
wait_for 30 line_matches_any "^[a-z].*Running" || fail "no prod-tokyo pods"
key g
key x
wait_screen 30 "type prod-tokyo"
assert_contains "$(screen)" "kubectl in this terminal"
keys "prod-tokyo"; key Enter
wait_screen 30 "/ #"
keys "exit 3"; key Enter
wait_screen 15 "ended (kubectl exit status 3)"
ok "a protected context asks for its name; exit 3 is reported"

# not a pod
cmd "deploy @staging staging"
wait_screen 30 "deployments @staging"
key g
key x
wait_screen 10 "shell applies to pods, not deployments"
ok "x on a deployment says what it applies to"
quit_console
tm kill-server 2>/dev/null || true

# RBAC: the viewer may not create pods/exec; --read-only refuses
key_on_pod "$pod" x "forbidden by RBAC: drill-viewer may not create pods/exec" \
	--kubeconfig "$KUBECONFIG" --context viewer@staging
ok "RBAC refuses the viewer's shell"
key_on_pod "$pod" x "refused: read-only" --kubeconfig "$KUBECONFIG" --context staging --read-only
ok "--read-only refuses the shell"

# no kubectl: say so, and show the command to run
CONSOLE_ENV="PATH=/nonexistent" key_on_pod "$pod" x \
	"kubectl is not on PATH; run it yourself: kubectl --kubeconfig" \
	--kubeconfig "$KUBECONFIG" --context staging
ok "without kubectl the command is shown"
