#!/usr/bin/env bash
# Failures fail: a failed check stops the run FAILED at once unless the step
# says otherwise (on-failure: ask | continue). When the operator chooses to
# go on after an "ask", the run still ends FAILED, "completed with 1 failed
# step", never plainly "completed"; a note written after the failure says
# so. Headless, "ask" stops with a non-zero exit and says why; a step that
# says "continue" does not fail the run, which says "completed despite 1
# failed step". The audit log and the incident's timeline record each run's
# end with FAILED and the step.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill estate --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck" "$T/runbooks"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
for policy in default ask continue; do
	{
		printf 'name: fail-%s\ntitle: A check that fails (%s)\nseverity: P3\nsteps:\n' \
			"$policy" "$policy"
		printf '  - check: "deployments/production/backend count == 2"\n'
		printf '    title: Two backends\n'
		[ $policy = default ] || printf '    on-failure: %s\n' "$policy"
		printf '  - note: "all good after %s"\n' "$policy"
	} >"$T/runbooks/fail-$policy.yaml"
done
export OPSDECK_RUNBOOKS=$T/runbooks

CONSOLE_ENV="OPSDECK_RUNBOOKS=$T/runbooks"
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
cmd 'incident open P3 "failures fail"'
wait_screen 10 "opened (P3): failures fail"
id=$("$OPSDECK" incident current) || fail "no current incident"

# No on-failure: the run stops at the failed step, nothing is asked.
cmd "runbook fail-default @prod-tokyo"
wait_screen 30 "FAILED: failed at step 1 (Two backends): deployments count = 1 (want == 2)"
assert_not_contains "$(screen)" "anyway?"
assert_contains "$(screen)" "[    ]  2. note    all good after default"
ok "a failed check without on-failure ends the run FAILED"

# on-failure: ask, answered y: the run goes on, and still ends FAILED.
key Escape
cmd "runbook fail-ask @prod-tokyo"
wait_screen 30 "Continue with step 2 anyway?"
key y
wait_screen 30 "FAILED: completed with 1 failed step (first: step 1, Two backends)"
assert_not_contains "$(screen)" "DONE"
assert_contains "$(screen)" "all good after ask (written after 1 failed step)"
ok "going on after a failed step still ends FAILED"
quit_console

# Headless, on-failure: ask stops: non-zero exit and the reason.
out=$("$OPSDECK" runbook run fail-ask --context prod-tokyo 2>&1) &&
	{ printf '%s\n' "$out"; fail "a run with a failed step exited 0"; }
assert_contains "$out" "runbook fail-ask FAILED: failed at step 1 (Two backends)"
ok "headless: non-zero exit with the reason"
# on-failure: continue: the run goes on and succeeds, saying what failed.
out=$("$OPSDECK" runbook run fail-continue --context prod-tokyo 2>&1) ||
	{ printf '%s\n' "$out"; fail "an informational step's failure failed the run"; }
assert_contains "$out" "runbook fail-continue: completed despite 1 failed step (on-failure: continue; first: step 1, Two backends)"
assert_not_contains "$out" "written after"
ok "on-failure: continue goes on, and the end says a step failed"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
ends = [o for o in lines if o["verb"] == "runbook-run"]
assert [(o["runbook"], o["outcome"]) for o in ends] == [("fail-default", "failed"),
    ("fail-ask", "failed"), ("fail-ask", "failed"), ("fail-continue", "ok")], ends
for e in ends:
    assert e["params"]["failed"] == 1 and e["params"]["first_failed"] == 1, e
assert ends[0]["params"]["stopped_at"] == 1, ends[0]
assert ends[1]["message"].startswith("completed with 1 failed step"), ends[1]
assert ends[3]["message"].startswith("completed despite 1 failed step"), ends[3]
PY
md=$("$OPSDECK" incident export "$id")
assert_contains "$md" "runbook fail-default: FAILED: failed at step 1 (Two backends)"
assert_contains "$md" "runbook fail-ask: FAILED: completed with 1 failed step"
ok "audit log and timeline say FAILED with the step"
