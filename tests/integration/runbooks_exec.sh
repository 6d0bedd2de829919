#!/usr/bin/env bash
# Exec steps, headless, as their program ends: exit 0 with its output shown
# and the run going on; a non-zero exit fails the step with the program's
# status and output and stops the run; a program past its timeout is sent
# SIGTERM, and one that ignores it (holding its output open) is killed a
# few seconds later, the step saying "(timed out)", its process group
# gone; a program that is not on PATH says so; the program starts with no
# signal ignored or blocked. Each outcome is audited.
. "$(dirname "$0")/../lib/common.sh"

start_drill estate
wait_for 60 kubectl --context prod-tokyo get ns production || fail "drill not answering"

# run_rb NAME STEPS...: a runbook of exec steps, run with --yes; its output
# in $out, its exit status in $rc
run_rb() {
	local name=$1; shift
	{
		printf 'name: %s\ntitle: exec outcomes\nseverity: P3\nsteps:\n' "$name"
		printf '%s\n' "$@"
	} >"$T/$name.yaml"
	set +e
	out=$("$OPSDECK" runbook run "$T/$name.yaml" --context prod-tokyo --yes 2>&1 </dev/null)
	rc=$?
	set -e
}

run_rb ok '  - exec: echo first line' '  - exec: printf "a\nb\n"' '  - note: after'
[ "$rc" -eq 0 ] || { printf '%s\n' "$out"; fail "exit 0 steps: run exited $rc"; }
assert_contains "$out" "| first line"
assert_contains "$out" "| a"
assert_contains "$out" "| b"
assert_contains "$out" "exec ok: exit 0: first line"
assert_contains "$out" "note ok: after"
ok "exit 0: output shown, the run goes on"

# the program starts as from a shell: none of the signals opsdeck itself
# ignores (SIGPIPE) or handles is ignored or blocked
run_rb sigs "  - exec: grep -E '^Sig(Ign|Blk):' /proc/self/status"
[ "$rc" -eq 0 ] || { printf '%s\n' "$out"; fail "signal dispositions step: run exited $rc"; }
# SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGCHLD, SIGWINCH: bits 0, 1, 12, 14, 16, 27
mask=$((0x8015003))
for f in Ign Blk; do
	v=$(printf '%s\n' "$out" | sed -n "s/^ *| Sig$f: *\([0-9a-f]*\)$/\1/p" | head -n 1)
	[ -n "$v" ] || { printf '%s\n' "$out"; fail "no Sig$f line"; }
	[ $((0x$v & mask)) -eq 0 ] || fail "the program starts with Sig$f $v"
done
ok "the program ignores and blocks none of the signals opsdeck handles"

run_rb fails '  - exec: sh -c "echo broken >&2; exit 3"' '  - note: never'
[ "$rc" -ne 0 ] || { printf '%s\n' "$out"; fail "a failing exec step exited 0"; }
assert_contains "$out" "| broken"
assert_contains "$out" "exit status 3"
assert_not_contains "$out" "note ok: never"
ok "exit 3: the step fails with its status and output, the run stops"

tag=41.$$
run_rb slow "  - exec: sh -c 'trap \"\" TERM; echo started; exec sleep $tag'" '    timeout: 1s' \
	'  - note: never'
[ "$rc" -ne 0 ] || { printf '%s\n' "$out"; fail "a timed-out exec step exited 0"; }
assert_contains "$out" "| started"
assert_contains "$out" "killed by signal 9 (timed out)"
assert_not_contains "$out" "note ok: never"
if pgrep -f "sleep $tag" >/dev/null; then
	pkill -f "sleep $tag" || true
	fail "the timed-out program's group is still running"
fi
ok "past its timeout, a program ignoring SIGTERM is killed; its group is gone"

run_rb missing '  - exec: opsdeck-no-such-program-here --flag'
[ "$rc" -ne 0 ] || { printf '%s\n' "$out"; fail "a missing program exited 0"; }
assert_contains "$out" "cannot run opsdeck-no-such-program-here"
assert_contains "$out" "exit status 127"
ok "a program not on PATH: said, status 127"

# every exec step has its intent and outcome in the audit log
audit=${XDG_STATE_HOME:-$HOME/.local/state}/opsdeck/audit.jsonl
[ -s "$audit" ] || fail "no audit log at $audit"
n=$(grep -c '"EXEC"' "$audit" || true)
[ "$n" -ge 6 ] || { tail -n 20 "$audit" >&2; fail "$n EXEC audit records, want 6 at least"; }
ok "each exec step is audited ($n EXEC records)"
