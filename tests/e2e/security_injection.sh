#!/usr/bin/env bash
# Alert labels and runbook values never reach a shell. An alert posted to
# Alertmanager with namespace="production;touch PWNED;#" (through real
# kubectl, as anyone who can post an alert could) is refused as a runbook
# target in the console and headless, with the value shown; exec steps run
# an argument vector, each value exactly one argument; no exec step runs
# without its confirmation; the audit never records an injected command.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
pwned=$T/PWNED
bad="production;touch $pwned;#"
wait_for 60 kubectl --context prod-tokyo get ns production || fail "drill not answering"

# the hostile alert, posted through the API server's service proxy
cat >"$T/alert.json" <<JSON
[{"labels":{"alertname":"HighMemoryUsage","severity":"warning","namespace":"$bad",
  "cluster":"prod-tokyo"},"annotations":{"summary":"memory above 90%"}}]
JSON
kubectl --context prod-tokyo create --raw \
	/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/api/v2/alerts \
	-f "$T/alert.json" >/dev/null || fail "could not post the alert"

# headless: the alert as target, as its labels say
set +e
out=$("$OPSDECK" runbook run high-memory-usage --context prod-tokyo \
	--target "alerts/HighMemoryUsage" -n "$bad" --yes 2>&1 </dev/null)
rc=$?
set -e
printf '%s\n' "$out"
[ "$rc" -ne 0 ] || fail "a runbook on a hostile namespace exited 0"
assert_contains "$out" "refused: the target's namespace '$bad' is not a namespace"
[ ! -e "$pwned" ] || fail "the alert label ran a command (headless)"
ok "headless: hostile namespace refused before step one"

# an exec step passes a value as exactly one argument, without a shell
cat >"$T/argv.yaml" <<YAML
name: argv
title: one value one argument
severity: P3
parameters:
  - name: v
steps:
  - exec: printf '[%s]\n' {{param.v}} end
YAML
for v in "a;touch $pwned;#" "\$(touch $pwned)" "\`touch $pwned\`" "two words" "it's" '-n' "a \"q\" b"; do
	out=$("$OPSDECK" runbook run "$T/argv.yaml" --context prod-tokyo --param "v=$v" --yes 2>&1 </dev/null) ||
		{ printf '%s\n' "$out"; fail "argv runbook with '$v'"; }
	assert_contains "$out" "| [$v]"
	assert_contains "$out" "| [end]"
	# the confirmation showed the exact vector, one argument a line
	assert_contains "$out" "4 arguments"
	assert_contains "$out" "[0] printf"
	[ ! -e "$pwned" ] || fail "'$v' ran a command"
done
ok "exec: each value one argument, no shell, vector shown before it runs"

# write-ahead: each exec step's vector was on disk before it ran, and its
# outcome closes that intent
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "exec intents"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
intents = {o["id"]: (n, o) for n, o in enumerate(lines) if o.get("phase") == "intent"
           and o["request"]["method"] == "EXEC"}
assert len(intents) == 7, len(intents)
for i, (n, o) in intents.items():
    assert o["request"]["path"].startswith("printf "), o
    assert o["verb"] == "runbook-step" and o["runbook"] == "argv", o
    closing = [p for p in lines[n + 1:] if p.get("intent") == i]
    assert len(closing) == 1 and closing[0]["outcome"] == "ok", (o, closing)
PY
audit_check_intents
ok "exec: the vector is recorded before it runs, the outcome closes it"

# no record, no run: an audit log that cannot be written stops the command
mkdir -p "$T/full-state/opsdeck"
ln -s /dev/full "$T/full-state/opsdeck/audit.jsonl"
set +e
out=$(XDG_STATE_HOME="$T/full-state" "$OPSDECK" runbook run "$T/argv.yaml" --context prod-tokyo \
    --param "v=x" --yes 2>&1 </dev/null)
rc=$?
set -e
printf '%s\n' "$out"
[ "$rc" -ne 0 ] || fail "an exec step without its audit record exited 0"
assert_contains "$out" "not run: audit log"
assert_not_contains "$out" "| [x]"
ok "exec: a full disk under the audit log means the command does not run"

# no exec step runs without its confirmation: no --yes, no terminal
cat >"$T/first.yaml" <<YAML
name: first
title: exec first
severity: P3
steps:
  - exec: "touch $T/RAN"
YAML
set +e
out=$("$OPSDECK" runbook run "$T/first.yaml" --context prod-tokyo 2>&1 </dev/null)
rc=$?
set -e
printf '%s\n' "$out"
[ "$rc" -ne 0 ] || fail "an unconfirmed exec step exited 0"
[ ! -e "$T/RAN" ] || fail "an exec step ran without its confirmation"
assert_contains "$out" "[0] touch"
ok "exec: nothing runs unconfirmed"

# the console: :alerts, select the hostile alert, :runbook high-memory-usage
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
cmd "alerts @prod-tokyo"
wait_screen 60 "HighMemoryUsage"
keys "/HighMemoryUsage"; key Enter
wait_screen 10 "filter:/HighMemoryUsage/"
cmd "runbook high-memory-usage"
wait_screen 20 "refused: the target's namespace"
[ ! -e "$pwned" ] || fail "the alert label ran a command (console)"
quit_console
ok "console: hostile alert refused as a runbook target"

# the audit never holds the injected command as something run
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
if [ -e "$audit" ]; then
	! grep -q "touch $pwned" "$audit" || ! grep "touch $pwned" "$audit" | grep -q '"outcome":"ok".*"kind":"exec"' ||
		fail "audit records an injected command as run"
fi
[ ! -e "$pwned" ] || fail "PWNED exists"
ok "no command injected"
