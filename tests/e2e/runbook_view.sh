#!/usr/bin/env bash
# The runbook view: ":runbook NAME" opens a view of the run with every step
# and its state. rollback-deployment on the bad-rollout drill: the check
# goes ok with its measured value, the undo's confirmation is a dialog over
# the view, then every step is ok and the view says DONE with a stopped
# clock; Esc goes back and :runbook-show reopens it. A local runbook that
# waits for what never happens: its confirm step shows as waiting for the
# operator, its wait step as waiting with the live value, the clock ticks,
# x (after a confirmation) aborts it; the audit log and the incident record
# the cancelled step as before. A failed check that says on-failure: ask
# asks whether to go on.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 4
mkdir -p "$XDG_CONFIG_HOME/opsdeck" "$T/runbooks"
printf 'contexts:\n  prod-tokyo: {role: primary}\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
cat >"$T/runbooks/view-abort.yaml" <<'EOF'
name: view-abort
title: Wait for a replica count that never comes
severity: P3
rto: 2h
steps:
  - check: "deployments/production/backend count == 1"
    title: The backend exists
  - confirm: "Go on and wait for 99 available backend replicas?"
  - wait: "deployments/production/backend available >= 99"
    title: Ninety-nine replicas
    timeout: 10m
    interval: 1s
  - note: "never reached"
EOF
cat >"$T/runbooks/view-fail.yaml" <<'EOF'
name: view-fail
title: A check that fails
severity: P2
steps:
  - check: "deployments/production/backend count == 2"
    title: Two backends
    on-failure: ask
  - note: "not reached when the operator stops"
EOF
bad() { kubectl --context prod-tokyo get deploy backend -n production \
	-o jsonpath='{.spec.template.spec.containers[0].image}' | grep -q -- -bad; }
wait_for 120 bad || fail "the bad rollout never started"

# body: the screen below the header (the view and any dialog over it)
body() { screen | sed -n '3,47p'; }
# count_lines REGEX: how many screen lines match
count_lines() { screen | grep -cE -- "$1" || true; }
# elapsed: the view's "elapsed XmYYs"
elapsed() { screen | grep -oE 'elapsed [0-9hms]+' | head -1; }
# secs XhYYmZZs: seconds
secs() { local t=$1 h=0 m=0 s=0
	[[ $t =~ ([0-9]+)h ]] && h=${BASH_REMATCH[1]}
	[[ $t =~ ([0-9]+)m ]] && m=${BASH_REMATCH[1]}
	[[ $t =~ ([0-9]+)s ]] && s=${BASH_REMATCH[1]}
	echo $((10#$h * 3600 + 10#$m * 60 + 10#$s)); }
# rto_clock LIMIT SECONDS: the view shows "RTO LIMIT: U used, L left" with
# U + L = SECONDS, and U is the elapsed time it shows
rto_clock() {
	local scr line used left
	scr=$(screen)
	line=$(echo "$scr" | grep -oE "RTO $1: [0-9hms]+ used, [0-9hms]+ left" | head -1)
	[ -n "$line" ] || return 1
	used=$(echo "$line" | sed -E 's/.*: ([0-9hms]+) used.*/\1/')
	left=$(echo "$line" | sed -E 's/.*, ([0-9hms]+) left/\1/')
	[ $(($(secs "$used") + $(secs "$left"))) = "$2" ] &&
		echo "$scr" | grep -qF "elapsed $used | RTO $1: $used used"
}

CONSOLE_ENV="OPSDECK_RUNBOOKS=$T/runbooks"
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "prod-tokyo(primary) live"
show_backend

# 1. rollback-deployment: the whole plan, states moving, done.
cmd "runbook rollback-deployment"
wait_screen 60 "undo: 1 target (dry run passed)"
s=$(body)
assert_contains "$s" "Roll back a bad deployment to a healthy revision"
assert_contains "$s" "runbook rollback-deployment | severity P1 | target prod-tokyo, deployments production/backend"
assert_contains "$s" "RUNNING step 3 of 8"
rto_clock 5m 300 || { screen >&2; fail "no RTO clock of 5m"; }
assert_contains "$s" "[ ok ]  1. note    Rolling back production/backend on prod-tokyo (revision 1)"
assert_contains "$s" "[ ok ]  2. check   The deployment exists"
assert_contains "$s" "deployments/production/backend count == 1"
assert_contains "$s" "deployments count = 1 (want == 1)"
assert_contains "$s" "[ >> ]  3. action  Roll back (rollout undo)"
assert_contains "$s" "[    ]  4. wait    The deployment's pod template is revision 1's"
assert_contains "$s" "[    ]  5. wait    Rolled back: every replica updated and available, none of"
assert_contains "$s" "[    ]  6. wait    No pod of the rolled-back ReplicaSet crashing for 30s"
assert_contains "$s" "[    ]  7. check   The rollout is not stuck (no ProgressDeadlineExceeded)"
assert_contains "$s" "[    ]  8. note    Rollback of prod"	# the dialog covers the rest
assert_contains "$s" "rollback to revision"		# the dialog, over the view
# prod-tokyo is protected (the drill's kubeconfig says so): its name is typed
wait_screen 10 "type prod-tokyo"
keys "prod-tokyo"; key Enter
wait_screen 180 "DONE: completed"
[ "$(count_lines '^ \[ ok \] +[0-9]+\. ')" = 8 ] || { screen >&2; fail "not every step ok"; }
assert_contains "$(body)" "deployments rollout-pending = 0 (want == 0)"
assert_contains "$(body)" "Esc: back"
bad && fail "backend still on the bad image"
e1=$(elapsed); sleep 2.2; e2=$(elapsed)
[ -n "$e1" ] && [ "$e1" = "$e2" ] || fail "the clock did not stop at the end ($e1, $e2)"
key Escape
wait_gone 10 "DONE: completed"
assert_contains "$(screen | sed -n 1p)" "deployments @prod-tokyo"
cmd "runbook-show"
wait_screen 10 "DONE: completed"
assert_contains "$(screen | sed -n 1p)" "runbook rollback-deployment"
[ "$(count_lines '^ \[ ok \] +[0-9]+\. ')" = 8 ] || fail "reopened view lost the states"
ok "rollback-deployment: plan, states, done, Esc and :runbook-show"

# The help lists the view's keys and the command.
key '?'
wait_screen 10 "KEYS"
keys "/IN THE RUNBOOK VIEW"; key Enter
wait_screen 10 "abort the run (asks first"
keys "/show the runbook run"; key Enter
expect 10 "help lists :runbook-show" line_matches_any \
	':runbook-show +show the runbook run: every step and its state'
line_matches_any ':runbook-abort +abort the running runbook' || fail "help lost :runbook-abort"
key Escape
key Escape
wait_gone 10 "KEYS"

# 2. A run waiting for the operator, then on a wait step, aborted with x.
key Escape
cmd 'incident open P3 "runbook view test"'
wait_screen 10 "opened (P3): runbook view test"
id=$("$OPSDECK" incident current) || fail "no current incident"
cmd "runbook view-abort @prod-tokyo"
# (the plan lists every step from the start: wait for the run to reach 2)
wait_screen 30 "WAITING FOR YOU at step 2 of 4"
s=$(body)
assert_contains "$s" "[ ok ]  1. check   The backend exists"
assert_contains "$s" "[ >> ]  2. confirm Go on and wait for 99 available backend replicas?"
assert_contains "$s" "waiting for the operator: answer in the dialog (y/n)"
assert_contains "$s" "[    ]  3. wait    Ninety-nine replicas"
assert_contains "$s" "[    ]  4. note    never reached"
key y
wait_screen 30 "[ >> ]  3. wait    Ninety-nine replicas"
expect 20 "wait step shows the live value" line_matches_any \
	'waiting, up to 10m: now deployments available = [0-9]+ \(want >= 99\)'
assert_contains "$(body)" "[ ok ]  2. confirm"
assert_contains "$(body)" "confirmed"
e1=$(elapsed); sleep 2.2; e2=$(elapsed)
[ -n "$e1" ] && [ "$e1" != "$e2" ] || fail "the clock did not tick ($e1, $e2)"
rto_clock 2h 7200 || { screen >&2; fail "no RTO clock of 2h"; }
key x
wait_screen 10 "Abort runbook view-abort at step 3 of 4?"
key n
wait_gone 10 "Abort runbook view-abort"
assert_contains "$(body)" "[ >> ]  3. wait"
key x
wait_screen 10 "Abort runbook view-abort at step 3 of 4?"
key y
wait_screen 10 "ABORTED: aborted by the operator at step 3"
s=$(body)
assert_contains "$s" "[FAIL]  3. wait    Ninety-nine replicas"
assert_contains "$s" "[    ]  4. note    never reached"
assert_not_contains "$s" "x: abort the run"
cmd "runbook-abort"
wait_screen 10 "runbook-abort: no runbook is running"
ok "view-abort: confirm shown waiting, wait shown waiting, x aborted it"

# 3. A failed check asks before going on; no stops the run.
key Escape
cmd "runbook view-fail @prod-tokyo"
wait_screen 30 "Continue with step 2 anyway?"
s=$(body)
assert_contains "$s" "[FAIL]  1. check   Two backends"
assert_contains "$s" "deployments count = 1 (want == 2) -- continue anyway? answer in the dialog"
assert_contains "$s" "WAITING FOR YOU at step 1 of 2"
key n
wait_screen 10 "FAILED: stopped after step 1 failed"
assert_contains "$(body)" "[    ]  2. note    not reached when the operator stops"
key Escape
cmd "runbook-show"
wait_screen 10 "FAILED: stopped after step 1 failed"
assert_contains "$(screen | sed -n 1p)" "runbook view-fail"
ok "view-fail: the failed step asks, no stops"

cmd "incident close done"
wait_screen 30 "incident $id closed"
quit_console

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
def steps(name):
    return [o for o in lines if o["verb"] == "runbook-step" and o["runbook"] == name]
rb = steps("rollback-deployment")
assert [o["outcome"] for o in rb] == ["ok"] * 8, rb
ab = steps("view-abort")
assert [o["outcome"] for o in ab] == ["ok", "ok", "cancelled"], ab
assert ab[2]["message"] == "aborted by the operator", ab[2]
assert ab[2]["params"]["step"] == 3 and ab[2]["params"]["kind"] == "wait", ab[2]
vf = steps("view-fail")
assert [o["outcome"] for o in vf] == ["failed"], vf
PY
md=$("$OPSDECK" incident export "$id")
assert_contains "$md" "view-abort step 1 (check)"
assert_contains "$md" "view-abort step 3 (wait) deployments/production/backend available"
assert_contains "$md" "aborted by the operator (cancelled)"
assert_contains "$md" "runbook view-abort: ABORTED: aborted by the operator at step 3"
assert_contains "$md" "runbook view-fail: FAILED: stopped after step 1 failed"
ok "audit log and incident record the runs as before"
