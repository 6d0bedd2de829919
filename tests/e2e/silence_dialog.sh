#!/usr/bin/env bash
# `S` on an alert opens one dialog: a duration prompt prefilled with 2h,
# then a comment prompt, then the preview to confirm; the silence it creates
# matches the alert and carries the comment typed. `:silence 2h --comment
# failing over` takes the rest of the words as the comment (and a quoted
# string as one).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"
command -v jq >/dev/null 2>&1 || skip "jq not installed"

start_drill estate
wait_for 60 kubectl --context staging get ns staging || fail "drill not answering"
cat >"$T/alert.json" <<JSON
[{"labels":{"alertname":"DiskFilling","severity":"warning","namespace":"staging",
  "cluster":"staging"},"annotations":{"summary":"disk above 90%"}}]
JSON
kubectl --context staging create --raw \
	/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/api/v2/alerts \
	-f "$T/alert.json" >/dev/null || fail "could not post the alert"

# comment_of TEXT: the state of the staging silence whose comment is TEXT ("" if none)
state_of() {
	"$OPSDECK" get silences --context staging -o json |
		jq -r --arg c "$1" '[.[] | select(.cells.COMMENT == $c) | .cells.STATE] | first // ""'
}
matchers_of() {
	"$OPSDECK" get silences --context staging -o json |
		jq -r --arg c "$1" '[.[] | select(.cells.COMMENT == $c) | .cells.MATCHERS] | first // ""'
}

start_console --kubeconfig "$KUBECONFIG" --context staging
wait_screen 60 "live"
cmd "alerts @staging"
wait_screen 60 "DiskFilling"
keys "/DiskFilling"; key Enter
wait_screen 10 "filter:/DiskFilling/"
key g
key S
wait_screen 10 "silence 1 alert for"
expect 10 "the duration is prefilled with 2h" line_matches_any "silence 1 alert for .*: 2h"
key Enter
wait_screen 10 "comment:"
expect 10 "the comment is prefilled" line_matches_any "comment: silenced from opsdeck by "
key C-u
keys "disk swap tonight"; key Enter
wait_screen 10 "silence: 1 target"
preview_ok() {
	line_matches_any 'alertname="DiskFilling"' && line_matches_any ' for 2h until ' &&
		line_matches_any ': disk swap tonight'
}
expect 10 "the preview names the alert, 2h and the comment" preview_ok
key y
wait_screen 20 "created"
expect 20 "S created an active silence with the comment typed" \
	test "$(state_of "disk swap tonight")" = active
assert_contains "$(matchers_of "disk swap tonight")" "alertname=DiskFilling" "S silence matchers"
ok "S: duration, comment, preview, silence created"

# Esc at the duration prompt cancels: nothing is created
key S
wait_screen 10 "silence 1 alert for"
key Escape
wait_screen 10 "cancelled"
ok "S: Esc cancels"

cmd "silence 2h --comment failing over"
wait_screen 10 "silence: 1 target"
expect 10 "the preview carries the whole comment" line_matches_any ': failing over +│'
key y
expect 20 ":silence --comment takes the rest of the words" \
	test "$(state_of "failing over")" = active
ok ":silence 2h --comment failing over"

cmd 'silence 1h --comment "kept as one" --author tester'
wait_screen 10 "silence: 1 target"
key y
expect 20 "a quoted comment stops at the next option" test "$(state_of "kept as one")" = active
ok ":silence with a quoted comment and --author"
quit_console
