#!/usr/bin/env bash
# Headless commands and signals (issue 15, part 2). With a request in flight
# (a fake Alertmanager that holds its reply), SIGTERM and SIGHUP make
# `opsdeck silence add` stop, wait a bounded time for the reply, record the
# outcome against the intent written before the request and exit 143/129;
# kill -9 leaves the intent alone, and the next start reports it once
# ("outcome unknown — check the cluster") and closes it. A runbook run
# signalled while following up its PATCH records the outcome and exits 143.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"
here=$(cd "$(dirname "$0")" && pwd)
A=$XDG_STATE_HOME/opsdeck/audit.jsonl

# fake_am DELAY: start a fake Alertmanager, set AMLOG and AMURL.
fake_am() {
	AMLOG=$T/am.$1.log; : >"$AMLOG"
	python3 "$here/fake_am.py" "$T/am.$1.port" "$AMLOG" "$1" &
	_cleanup_pids+=($!)
	wait_for 10 test -s "$T/am.$1.port" || fail "fake alertmanager did not start"
	AMURL=http://127.0.0.1:$(cat "$T/am.$1.port")
}

start_drill estate
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
# use_am URL: staging's Alertmanager is URL.
use_am() { printf 'contexts:\n  staging:\n    alertmanager: %s\n' "$1" >"$XDG_CONFIG_HOME/opsdeck/config.yaml"; }
# (an array, not a function: a backgrounded function would be a subshell,
# and $! its pid rather than opsdeck's)
silence=("$OPSDECK" silence add --context staging --matcher alertname=Watchdog
	--duration 1h --comment "audit signal test")

# intent_of PATH_FRAGMENT: the last intent whose request path has it.
intent_of() { [ -f "$A" ] || { echo null; return; }; jq -rs --arg p "$1" '[.[] | select(.phase=="intent" and (.request.path|contains($p)))] | last | .id' "$A"; }
# outcomes ID: the outcomes recorded for intent ID, comma separated.
outcomes() { [ -f "$A" ] || return 0; jq -rs --arg i "$1" '[.[] | select(.phase=="outcome" and .intent==$i) | .outcome] | join(",")' "$A"; }

# 1. SIGTERM with the reply held for 60 s: bounded wait, "interrupted", 143.
fake_am 60; use_am "$AMURL"
"${silence[@]}" >"$T/term.out" 2>&1 & pid=$!
wait_for 20 grep -q '^POST /api/v2/silences' "$AMLOG" || { cat "$T/term.out"; fail "POST never arrived"; }
id=$(intent_of /api/v2/silences)
[ -n "$id" ] && [ "$id" != null ] || fail "no intent before the POST"
t0=$SECONDS
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
cat "$T/term.out"
[ "$rc" = 143 ] || fail "SIGTERM: exit $rc, want 143"
[ $((SECONDS - t0)) -le 15 ] || fail "SIGTERM: took $((SECONDS - t0))s (the wait must be bounded)"
[ "$(outcomes "$id")" = interrupted ] || fail "SIGTERM: outcomes of $id: '$(outcomes "$id")'"
assert_contains "$(jq -rs --arg i "$id" '.[] | select(.intent==$i) | .message' "$A")" "outcome unknown"
assert_contains "$(jq -rs --arg i "$id" '.[] | select(.id==$i) | .request.body' "$A")" '"comment":"audit signal test"'
[ "$(jq -rs --arg i "$id" '.[] | select(.id==$i) | .origin' "$A")" = cli ] || fail "origin is not cli"
ok "SIGTERM with the reply in flight: intent, outcome interrupted, exit 143"

# 2. SIGHUP with a reply 2 s away: the reply is awaited and recorded, 129.
fake_am 2; use_am "$AMURL"
"${silence[@]}" >"$T/hup.out" 2>&1 & pid=$!
wait_for 20 grep -q '^POST /api/v2/silences' "$AMLOG" || fail "POST never arrived"
id=$(intent_of /api/v2/silences)
kill -HUP "$pid"
rc=0; wait "$pid" || rc=$?
cat "$T/hup.out"
[ "$rc" = 129 ] || fail "SIGHUP: exit $rc, want 129"
[ "$(outcomes "$id")" = ok ] || fail "SIGHUP: outcomes of $id: '$(outcomes "$id")'"
[ "$(jq -rs --arg i "$id" '.[] | select(.intent==$i) | .params.silence_id' "$A")" != null ] ||
	fail "SIGHUP: the silence id of the finished request is not recorded"
ok "SIGHUP with the reply 2s away: reply awaited, outcome ok, exit 129"

# 3. kill -9 in flight: the intent stays; the next start reports it once.
fake_am 60; use_am "$AMURL"
"${silence[@]}" >"$T/kill.out" 2>&1 & pid=$!
wait_for 20 grep -q '^POST /api/v2/silences' "$AMLOG" || fail "POST never arrived"
id=$(intent_of /api/v2/silences)
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ -z "$(outcomes "$id")" ] || fail "kill -9: outcome '$(outcomes "$id")' recorded?"
fake_am 0; use_am "$AMURL"
"${silence[@]}" >"$T/next.out" 2>"$T/next.err" || { cat "$T/next.err"; fail "the next silence add failed"; }
cat "$T/next.err"
assert_contains "$(cat "$T/next.err")" "outcome unknown — check the cluster: silence on staging"
assert_contains "$(cat "$T/next.err")" "[intent $id]"
[ "$(outcomes "$id")" = unknown ] || fail "kill -9: outcomes of $id after restart: '$(outcomes "$id")'"
"${silence[@]}" >/dev/null 2>"$T/third.err" || fail "third silence add failed"
assert_not_contains "$(cat "$T/third.err")" "outcome unknown" "the third start"
ok "kill -9 leaves the intent; the next start reports it once and closes it"

# 4. A runbook run signalled after its PATCH: outcome recorded, exit 143.
rm -f "$XDG_CONFIG_HOME/opsdeck/config.yaml"
rb=$T/scale.yaml
printf 'name: slow-scale\ntitle: s\nseverity: P3\nsteps:\n  - action: "scale 6 -n production -t deployments/backend"\n    timeout: 300s\n' >"$rb"
"$OPSDECK" runbook run "$rb" --context prod-tokyo --yes >"$T/rb.out" 2>&1 & pid=$!
wait_for 30 sh -c "jq -rs '[.[] | select(.verb==\"scale\" and .phase==\"outcome\" and .outcome==\"ok\")] | length' '$A' | grep -qx 1" ||
	{ cat "$T/rb.out"; fail "the scale was not accepted"; }
id=$(intent_of /deployments/backend/scale)
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
cat "$T/rb.out"
[ "$rc" = 143 ] || fail "runbook SIGTERM: exit $rc, want 143"
[ "$(outcomes "$id")" = ok ] || fail "runbook: outcomes of $id: '$(outcomes "$id")'"
[ "$(jq -rs '[.[] | select(.verb=="scale" and .outcome=="interrupted" and .intent==null)] | length' "$A")" = 1 ] ||
	fail "runbook: the stopped follow-up is not recorded"
ok "runbook run: SIGTERM while following up: outcome recorded, exit 143"
