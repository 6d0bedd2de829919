#!/usr/bin/env bash
# A runbook's key: runs it where the selection is one of its applies-to
# kinds, ahead of the global keymap, and nowhere else; the help lists the
# runbook keys; two runbooks claiming one key for one kind are reported at
# load. Quitting while a run goes on asks first, and the run is recorded as
# interrupted (which step, how many done) in the audit log and the
# incident, with the operator's OS user, host and kube identity; so is a
# run under a console ended by SIGTERM.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck" "$T/runbooks"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
cat >"$T/runbooks/slow-wait.yaml" <<'YAML'
name: slow-wait
title: Wait for what never comes
severity: P3
applies-to: {kinds: [deployments]}
key: W
steps:
  - note: "waiting on {{name}}"
  - wait: "deployments/{{namespace}}/{{name}} available >= 99"
    title: Ninety-nine replicas
    timeout: 10m
    interval: 1s
  - note: "never reached"
YAML
cat >"$T/runbooks/zz-clash.yaml" <<'YAML'
name: zz-clash
title: Claims U on deployments too
severity: P3
applies-to: {kinds: [deployments]}
key: U
steps:
  - note: "{{name}}"
YAML

CONSOLE_ENV="OPSDECK_RUNBOOKS=$T/runbooks"
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "runbook keys: runbook zz-clash: key 'U' clashes with runbook rollback-deployment on deployments"
ok "a key two runbooks claim for one kind is reported at load"
wait_screen 60 "prod-tokyo(primary) live"

key '?'
wait_screen 10 "KEYS"
keys "/RUNBOOK KEYS"; key Enter
wait_screen 10 "RUNBOOK KEYS"
expect 10 "help lists the runbook key" line_matches_any '^ +W +:runbook slow-wait +on deployments'
line_matches_any '^ +S +:runbook scale-out +on deployments or horizontalpodautoscalers' ||
	fail "help lacks scale-out's key"
key Escape
wait_gone 10 "RUNBOOK KEYS"

# Not a deployment (the cluster line): the key is not bound there.
key W
wait_screen 10 "W: no binding"
ok "the key does nothing where the selection is not a deployment"

cmd 'incident open P3 "runbook keys"'
wait_screen 10 "opened (P3): runbook keys"
id=$("$OPSDECK" incident current) || fail "no current incident"
show_backend
key W
wait_screen 30 "RUNNING step 2 of 3"
assert_contains "$(screen)" "runbook slow-wait | severity P3 | target prod-tokyo, deployments production/backend"
ok "W on a deployment runs slow-wait"

cmd "quit"
wait_screen 10 "Runbook slow-wait at step 2 of 3 is running."
key n
wait_gone 10 "Runbook slow-wait at step 2 of 3 is running."
alive "$CONSOLE_PID" || fail "the console quit although the operator said no"
assert_contains "$(screen)" "RUNNING step 2 of 3"
cmd "quit"
wait_screen 10 "Runbook slow-wait at step 2 of 3 is running."
key y
wait_exit 20
ok "quit asks while a runbook runs"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$(id -un)" "$(hostname)" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
steps = [o for o in lines if o["verb"] == "runbook-step" and o["runbook"] == "slow-wait"]
assert [o["outcome"] for o in steps] == ["ok", "interrupted"], steps
assert steps[1]["params"]["step"] == 2 and steps[1]["message"] == "the operator quit the console", steps
end = [o for o in lines if o["verb"] == "runbook-run" and o["runbook"] == "slow-wait"]
assert len(end) == 1 and end[0]["outcome"] == "interrupted", end
assert end[0]["message"] == ("interrupted at step 2 (Ninety-nine replicas), 1 of 3 steps done: "
                             "the operator quit the console"), end
for o in steps + end:
    assert o["user"] == sys.argv[2] and o["host"] == sys.argv[3], o
    assert o["kube_user"] == "drill-admin", o
PY
md=$("$OPSDECK" incident export "$id")
assert_contains "$md" "runbook slow-wait: INTERRUPTED: interrupted at step 2 (Ninety-nine replicas), 1 of 3 steps done"
assert_contains "$md" "| $(id -un)@$(hostname) as drill-admin | slow-wait step 2 (wait)"
ok "the interrupted run is in the audit log and the timeline, with who ran it"

# SIGTERM while a run goes on: recorded as interrupted too.
tm kill-server 2>/dev/null || true
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
show_backend
key W
wait_screen 30 "RUNNING step 2 of 3"
kill -TERM "$CONSOLE_PID"
wait_exit 20
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log after SIGTERM"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
end = [o for o in lines if o["verb"] == "runbook-run" and o["runbook"] == "slow-wait"]
assert len(end) == 2 and end[1]["outcome"] == "interrupted", end
assert end[1]["message"].endswith("1 of 3 steps done: the console exited"), end[1]
PY
ok "a console ended by SIGTERM records its run as interrupted"
