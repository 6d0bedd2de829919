# Shared helpers for regress tests (sourced). Every test gets a private
# temporary directory ($T), its own XDG dirs, and cleanup of what it started.
set -euo pipefail
: "${OPSDECK:?OPSDECK must point at the built binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-test.XXXXXX")
export XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state XDG_CACHE_HOME=$T/cache
mkdir -p "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
export HOME=$T/home; mkdir -p "$HOME"
_cleanup_pids=()
_cleanup_cmds=()

cleanup() {
	local p c
	for c in "${_cleanup_cmds[@]:-}"; do [ -n "$c" ] && eval "$c" >/dev/null 2>&1 || true; done
	for p in "${_cleanup_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	for p in "${_cleanup_pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
	# a console killed with its tmux server may still be writing its state
	# (history, audit) as it exits: try again before giving up quietly
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T" 2>/dev/null ||
		{ sleep 1; rm -rf "$T" 2>/dev/null; } || true
}
trap cleanup EXIT

on_exit() { _cleanup_cmds+=("$*"); }

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
ok() { echo "ok - $*"; }

# wait_for TIMEOUT_SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# running_pod SELECTOR: the first pod of SELECTOR, listed through the test's
# own k function, once there is one and it is Running (60 s at most each:
# a deployment's pods come a controller pass after the deployment, as on a
# real cluster); its name on stdout.
running_pod() {
	local pod
	wait_for 60 _pod_listed "$1" || fail "no pod for $1"
	pod=$(k get pods -l "$1" -o jsonpath='{.items[0].metadata.name}')
	[ -n "$pod" ] || fail "no pod for $1"
	wait_for 60 _pod_running "$pod" || fail "$pod is not running"
	printf '%s\n' "$pod"
}
_pod_listed() { [ -n "$(k get pods -l "$1" -o jsonpath='{.items[*].metadata.name}')" ]; }
_pod_running() { [ "$(k get pod "$1" -o jsonpath='{.status.phase}')" = Running ]; }

# free_port_base: a base port with 16 free ports above it.
free_port_base() {
	python3 - <<'PY'
import socket, random
for _ in range(200):
    base = random.randrange(20000, 60000, 16)
    ok = True
    for p in range(base, base + 16):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            ok = False
        finally:
            s.close()
        if not ok:
            break
    if ok:
        print(base); break
PY
}

# start_drill SCENARIO [extra args]: start the simulator, export KUBECONFIG.
start_drill() {
	local scenario=$1; shift
	export KUBECONFIG=$T/drill.kubeconfig
	"$OPSDECK" drill serve "$scenario" --kubeconfig-out "$KUBECONFIG" \
		--port-base "$(free_port_base)" "$@" >"$T/drill.log" 2>&1 &
	DRILL_PID=$!
	_cleanup_pids+=("$DRILL_PID")
	wait_for 30 test -s "$KUBECONFIG" || { cat "$T/drill.log" >&2; fail "drill did not start"; }
}

# assert_contains HAYSTACK NEEDLE [what]
assert_contains() {
	case "$1" in *"$2"*) ;; *) printf '%s\n' "$1" >&2; fail "${3:-output} lacks '$2'" ;; esac
}
assert_not_contains() {
	case "$1" in *"$2"*) printf '%s\n' "$1" >&2; fail "${3:-output} has '$2'" ;; *) ;; esac
}

# audit_check_intents [VERB...]: the write-ahead audit held in
# $XDG_STATE_HOME/opsdeck/audit.jsonl: every outcome of a sent request names
# an intent written before it (with the request's method and path), every
# "ok" outcome of a mutation names one, and each VERB given has at least one
# intent.
audit_check_intents() {
	/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$@" <<'PY' || fail "write-ahead audit"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
seen = {}
for n, o in enumerate(lines, 1):
    if o.get("phase") == "intent":
        assert o["id"] and o["request"]["method"] and o["request"]["path"], o
        seen[o["id"]] = o
        continue
    i = o.get("intent")
    if i is not None:
        assert i in seen, "line %d names intent %s not written before it" % (n, i)
        assert seen[i]["verb"] == o["verb"], (seen[i], o)
    elif o["verb"] not in ("runbook-step", "runbook-run", "oversized") and o["outcome"] == "ok":
        raise AssertionError("line %d: an ok %s without its intent" % (n, o["verb"]))
verbs = {o["verb"] for o in seen.values()}
missing = [v for v in sys.argv[2:] if v not in verbs]
assert not missing, "no intent for %s" % missing
print("audit: %d intents, every outcome of a request names one" % len(seen))
PY
}

# runbook_noop_fails NAME ARGS...: `opsdeck runbook run NAME ARGS...` with
# its action and exec steps replaced by no-ops (OPSDECK_RUNBOOK_NOOP, a test
# switch) must end FAILED: a runbook whose checks pass when nothing was done
# proves nothing. Waits are cut to NOOP_WAIT seconds (default 20); the run
# has its own state directory (audit log, no open incident). The output is
# left in NOOP_OUT.
runbook_noop_fails() {
	local rc=0
	NOOP_OUT=$(OPSDECK_RUNBOOK_NOOP=1 OPSDECK_RUNBOOK_WAIT_MAX=${NOOP_WAIT:-20} \
		XDG_STATE_HOME=$T/noop-state "$OPSDECK" runbook run "$@" 2>&1) || rc=$?
	[ $rc -ne 0 ] || { printf '%s\n' "$NOOP_OUT"; fail "$1 passed with its changes replaced by no-ops"; }
	assert_contains "$NOOP_OUT" "no-op (OPSDECK_RUNBOOK_NOOP, a test switch): not run:"
	assert_contains "$NOOP_OUT" "runbook $1 FAILED: "
	ok "$1 with no-ops ends FAILED: $(printf '%s\n' "$NOOP_OUT" | grep -o "runbook $1 FAILED: .*" | head -1)"
}

# drill_status [CONTEXT]: the drill's /drill/v1/status (JSON) through
# CONTEXT's server (default prod-tokyo), as the drill's admin.
drill_status() {
	local ctx=${1:-prod-tokyo} server
	server=$(jq -r --arg c "$ctx" '.clusters[] | select(.name==$c) | .cluster.server' "$KUBECONFIG")
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/drill/v1/status"
}

# shop_rollout: the Argo Rollout production/shop on prod-tokyo, as JSON.
shop_rollout() {
	kubectl --context prod-tokyo --request-timeout=30s get rollouts.argoproj.io shop \
		-n production -o json
}

# shop_canary_paused STEPS: create the Rollout production/shop on prod-tokyo
# with canary STEPS (a JSON list), let it become Healthy, then give it a new
# image and wait until its canary pauses.
shop_canary_paused() {
	local k="kubectl --context prod-tokyo --request-timeout=30s"
	$k create --validate=false -f - >/dev/null <<JSON || fail "cannot create the rollout"
{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{"name":"shop","namespace":"production"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"shop"}},
  "template":{"metadata":{"labels":{"app":"shop"}},"spec":{"containers":[{"name":"shop","image":"shop:v1"}]}},
  "strategy":{"canary":{"steps":$1}}}}
JSON
	_shop_phase() { [ "$(shop_rollout | jq -r .status.phase)" = "$1" ]; }
	wait_for 60 _shop_phase Healthy || { shop_rollout | jq .status; fail "rollout never healthy"; }
	$k patch rollouts.argoproj.io shop -n production --type=merge \
		-p '{"spec":{"template":{"spec":{"containers":[{"name":"shop","image":"shop:v2"}]}}}}' >/dev/null
	wait_for 60 _shop_phase Paused || { shop_rollout | jq .status; fail "canary never paused"; }
}

# start_fake MODE: run tests/integration/fake_kube.py in MODE (plain HTTP),
# write $T/fake-MODE.kubeconfig (context, cluster and user named after MODE,
# so several merge into one KUBECONFIG); its requests are
# logged to $T/fake-MODE.log.
start_fake() {
	local mode=$1 fake
	fake=$(cd "$(dirname "${BASH_SOURCE[0]}")/../integration" && pwd)/fake_kube.py
	/usr/bin/python3 "$fake" "$T/fake-$mode.port" "$T/fake-$mode.log" "$mode" &
	_cleanup_pids+=($!)
	wait_for 30 test -s "$T/fake-$mode.port" || fail "fake server ($mode) did not start"
	cat >"$T/fake-$mode.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: fake-$mode
  cluster: {server: "http://127.0.0.1:$(cat "$T/fake-$mode.port")"}
users:
- name: tok-$mode
  user: {token: abc}
contexts:
- name: fake-$mode
  context: {cluster: fake-$mode, user: tok-$mode, namespace: default}
current-context: fake-$mode
KC
}

# start_hang_listener: a listener that accepts connections and never says
# a word; HANG_PORT is its port, $T/hang.accepts gets one line (unix time)
# per connection accepted.
start_hang_listener() {
	/usr/bin/python3 - "$T/hang.port" "$T/hang.accepts" <<'PY' &
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept()[0])
    with open(sys.argv[2], "a") as f:
        f.write("%.3f\n" % time.time())
PY
	_cleanup_pids+=($!)
	wait_for 30 test -s "$T/hang.port" || fail "hanging listener did not start"
	HANG_PORT=$(cat "$T/hang.port")
}
