#!/usr/bin/env bash
# `opsdeck silence add|expire` inside the guard (issue 15, part 3): a
# read-only context (config.yaml readOnly, the kubeconfig's opsdeck.dev/context
# extension, even when config.yaml names the context for something else) and
# --read-only refuse both, exit non-zero and change no silence; allowed ones
# write an intent (origin cli, the exact request) before the request and an
# outcome naming it.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate
A=$XDG_STATE_HOME/opsdeck/audit.jsonl
CFG=$XDG_CONFIG_HOME/opsdeck/config.yaml
mkdir -p "$(dirname "$CFG")"
add=("$OPSDECK" silence add --context staging --matcher alertname=Watchdog --duration 1h --comment x)
# state ID: the silence's state on staging ("" if none).
state() {
	"$OPSDECK" get silences --context staging -o json |
		jq -r --arg id "$1" '[.[] | select(.name == $id) | .cells.STATE] | first // ""'
}
nlines() { [ -f "$A" ] && wc -l <"$A" || echo 0; }
# refused WHAT CMD...: CMD fails, prints no id, says refused, writes no intent.
refused() {
	local what=$1 rc=0 before; shift
	before=$(nlines)
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	cat "$T/err"
	[ "$rc" != 0 ] || fail "$what: exit 0"
	[ ! -s "$T/out" ] || fail "$what: printed $(cat "$T/out")"
	assert_contains "$(cat "$T/err")" "refused" "$what"
	[ "$(nlines)" = "$before" ] || { tail -n 2 "$A"; fail "$what: audit lines written (a request?)"; }
	ok "$what: refused (exit $rc)"
}

# Allowed: one silence, intent before the POST, outcome naming it.
id=$("${add[@]}" 2>"$T/err") || { cat "$T/err"; fail "silence add failed"; }
[ "$(state "$id")" = active ] || fail "silence $id is not active"
jq -se --arg sid "$id" '
	map(select(.verb == "silence")) as $s
	| ($s | map(select(.phase == "intent"))) as $i
	| ($s | map(select(.phase == "outcome"))) as $o
	| ($i | length) == 1 and ($o | length) == 1
	and $i[0].origin == "cli" and $i[0].context == "staging"
	and $i[0].request.method == "POST" and $i[0].request.path == "/api/v2/silences"
	and (($i[0].request.body | fromjson).matchers[0] == {"name": "alertname", "value": "Watchdog", "isRegex": false, "isEqual": true})
	and $o[0].intent == $i[0].id and $o[0].outcome == "ok" and $o[0].params.silence_id == $sid' "$A" >/dev/null ||
	{ cat "$A"; fail "silence add: no intent/outcome pair with origin cli"; }
ok "silence add: intent (origin cli, POST body) then outcome with the id"

# config.yaml readOnly: add and expire refused, the silence stays active.
printf 'contexts:\n  staging:\n    readOnly: true\n' >"$CFG"
refused "config.yaml readOnly: silence add" "${add[@]}"
refused "config.yaml readOnly: silence expire" "$OPSDECK" silence expire "$id" --context staging
[ "$(state "$id")" = active ] || fail "the silence was expired on a read-only context"

# The kubeconfig extension's readOnly, with config.yaml naming the context
# only for its role (it must not drop the extension's flag).
jq '(.contexts[] | select(.name == "staging") | .context.extensions[0].extension.readOnly) = true' \
	"$KUBECONFIG" >"$T/ro.kubeconfig"
printf 'contexts:\n  staging:\n    role: staging\n' >"$CFG"
refused "kubeconfig extension readOnly: silence add" "${add[@]}" --kubeconfig "$T/ro.kubeconfig"
refused "kubeconfig extension readOnly: silence expire" "$OPSDECK" silence expire "$id" \
	--context staging --kubeconfig "$T/ro.kubeconfig"

# --read-only
rm -f "$CFG"
refused "--read-only: silence add" "${add[@]}" --read-only
refused "--read-only: silence expire" "$OPSDECK" silence expire "$id" --context staging --read-only
[ "$(state "$id")" = active ] || fail "the silence was expired despite the guards"

# A config.yaml that cannot be parsed: its guards are unknown, so refuse.
printf 'contexts: [oops\n' >"$CFG"
refused "unreadable config.yaml: silence add" "${add[@]}"
rm -f "$CFG"

# Allowed expire: intent (DELETE) then outcome.
"$OPSDECK" silence expire "$id" --context staging 2>"$T/err" || { cat "$T/err"; fail "expire failed"; }
[ "$(state "$id")" = expired ] || fail "silence $id not expired"
jq -se --arg sid "$id" '
	map(select(.verb == "expire-silence")) as $s
	| ($s | length) == 2 and $s[0].phase == "intent" and $s[0].origin == "cli"
	and $s[0].request == {"method": "DELETE", "path": ("/api/v2/silence/" + $sid), "body": null}
	and $s[1].intent == $s[0].id and $s[1].outcome == "ok"' "$A" >/dev/null ||
	{ cat "$A"; fail "silence expire: no intent/outcome pair"; }
ok "silence expire: intent (DELETE) then outcome"
