#!/usr/bin/env bash
# `opsdeck --drill SCENARIO` keeps its drill's kubeconfig and log in a
# directory under $TMPDIR; whatever way the console ends, the directory goes:
# an unknown scenario, a scenario the drill cannot load, and a console
# without a terminal.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p "$T/scenarios"
printf 'clusters: [\n  - name: x\n' >"$T/scenarios/broken.yaml"
printf 'name: empty\n' >"$T/scenarios/empty.yaml"

# run_drill NAME SCENARIO: run the console with a TMPDIR of its own (no
# terminal: stdin is /dev/null), expect a failure, print its stderr.
run_drill() {
	local tmp=$T/tmp-$1 rc=0 left
	mkdir -p "$tmp"
	TMPDIR=$tmp OPSDECK_SCENARIOS=$T/scenarios timeout 90 "$OPSDECK" --drill "$2" \
		</dev/null >"$T/$1.out" 2>"$T/$1.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "$1: --drill $2 succeeded without a terminal"
	[ "$rc" -ne 124 ] || fail "$1: --drill $2 did not end"
	left=$(find "$tmp" -mindepth 1)
	[ -z "$left" ] || fail "$1: left behind under TMPDIR: $left ($(cat "$T/$1.err"))"
}

run_drill unknown no-such-scenario
assert_contains "$(cat "$T/unknown.err")" "scenario no-such-scenario not found"
ok "unknown scenario: the error is said and TMPDIR is left empty"

run_drill broken broken
assert_contains "$(cat "$T/broken.err")" "broken.yaml: line 2"
ok "unparsable scenario: the error is said and TMPDIR is left empty"

run_drill empty empty
assert_contains "$(cat "$T/empty.err")" "at least one cluster"
ok "scenario without clusters: the error is said and TMPDIR is left empty"

run_drill noterm estate
assert_contains "$(cat "$T/noterm.err")" "needs a terminal"
ok "console without a terminal: TMPDIR is left empty"
