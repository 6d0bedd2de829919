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
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
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
    elif o["verb"] not in ("runbook-step", "oversized") and o["outcome"] == "ok":
        raise AssertionError("line %d: an ok %s without its intent" % (n, o["verb"]))
verbs = {o["verb"] for o in seen.values()}
missing = [v for v in sys.argv[2:] if v not in verbs]
assert not missing, "no intent for %s" % missing
print("audit: %d intents, every outcome of a request names one" % len(seen))
PY
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
