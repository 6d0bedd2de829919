#!/usr/bin/env bash
# A replica count far beyond the current one (over 3x and over +10) or beyond
# the HPA's maxReplicas must be typed, not just confirmed with y: the preview
# says why, a plain y scales nothing. A near count still takes y.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate
wait_for 60 kubectl --context staging get ns staging || fail "drill not answering"
replicas() { kubectl --context "$1" -n "$2" get deploy "$3" -o jsonpath='{.spec.replicas}'; }
[ "$(replicas staging staging backend)" = 2 ] || fail "staging backend does not start at 2"

start_console --kubeconfig "$KUBECONFIG" --context staging,prod-tokyo
wait_screen 60 "live"
cmd "deploy @staging staging"
wait_screen 30 "backend"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
key g
cmd "scale 99999"
wait_screen 30 "scale: 1 target"
expect 10 "the preview says why the count is typed" \
	line_matches_any "99999 is far beyond the current 2: type 99999 to go ahead"
expect 10 "the dialog asks for the count typed" line_matches_any "type 99999"
keys "y"; key Enter
wait_screen 10 "cancelled"
sleep 1
[ "$(replicas staging staging backend)" = 2 ] || fail "a plain y scaled to $(replicas staging staging backend)"
ok "scale 99999: typed confirmation, y scales nothing"

cmd "scale 99999"
wait_screen 30 "scale: 1 target"
wait_screen 10 "type 99999"
keys "99999"; key Enter
expect 30 "the typed count scales" test "$(replicas staging staging backend)" = 99999
ok "scale 99999: the typed count scales"

cmd "scale 3"
wait_screen 30 "scale: 1 target"
if line_matches_any "type 3"; then fail "a near count asks to be typed"; fi
key y
expect 30 "a near count scales on y" test "$(replicas staging staging backend)" = 3
ok "scale 3: y is enough"

# beyond the HPA's max (prod-tokyo frontend: 3 replicas, HPA max 10)
key Escape
cmd "deploy @prod-tokyo production"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
key g
cmd "scale 11"
wait_screen 30 "scale: 1 target"
expect 10 "the preview names the HPA's max" \
	line_matches_any "11 is beyond the HPA's max 10: type 11 to go ahead"
expect 10 "the count joins the context to type" line_matches_any "type prod-tokyo,11"
key Escape
wait_screen 10 "cancelled"
[ "$(replicas prod-tokyo production frontend)" = 3 ] || fail "frontend scaled"
ok "scale 11 beyond the HPA's max: typed"
quit_console
