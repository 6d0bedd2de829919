#!/usr/bin/env bash
# The help view asks RBAC for each mutating command: with the drill's
# read-only viewer@staging context the :scale line is dimmed and says
# "forbidden by RBAC on viewer@staging"; with the admin context it is not.
# At 80x24 the first screen of help is a cheat sheet holding every key,
# the action keys first (they were once on the third page); the viewer's
# forbidden keys are set apart, dimmed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill estate

scale_line_dim() { line_dim "^  :scale "; }

# cheat_sheet_shows: the first screen of help holds the action keys and
# the view keys
cheat_sheet_shows() {
	local k
	for k in "s scale" "r rollout restart" "u rollout undo" "C-d delete" "b backup now" \
	    "S silence alert" "d describe" "l logs" "1 overview" "4 alerts" "? this help"; do
		screen | grep -qF -- "$k" || { echo "not on the first screen: $k"; return 1; }
	done
}

# rbac_answered CLUSTER: the help says every review has answered (searched
# for, as the line may be scrolled off)
rbac_answered() {
	keys "/RBAC checked on $1 "; key Enter
	screen | grep -q "RBAC checked on $1 :"
}

start_console --kubeconfig "$KUBECONFIG" --context viewer@staging
wait_screen 60 "live"
cmd "deploy"
wait_screen 30 "frontend"
tm resize-window -t console -x 80 -y 24
key '?'
wait_screen 10 "KEYS AT A GLANCE"
expect 30 "viewer: forbidden keys set apart" line_matches_any "^  forbidden by RBAC on viewer@staging:"
expect 10 "80x24: every key on the first screen" cheat_sheet_shows
expect 10 "viewer: the scale key dimmed" line_dim "^  s scale "
ok "80x24 cheat sheet: every key on one screen, the viewer's forbidden keys dimmed"
tm resize-window -t console -x 160 -y 48
keys "/^  :redraw "; key Enter
expect 60 ":scale marked forbidden for the viewer" \
    line_matches_any "^  :scale .*forbidden by RBAC on viewer@staging"
expect 10 ":scale line dimmed for the viewer" scale_line_dim
ok "viewer: :scale greyed, forbidden by RBAC"
key q
cmd q
wait_exit 30
tm kill-server 2>/dev/null || true

start_console --kubeconfig "$KUBECONFIG" --context staging
wait_screen 60 "live"
cmd "deploy"
wait_screen 30 "frontend"
tm resize-window -t console -x 80 -y 24
cmd "help"
wait_screen 10 "KEYS AT A GLANCE"
# every review has answered once the help says so
expect 60 "RBAC reviews answered" rbac_answered staging
key g
wait_screen 10 "KEYS AT A GLANCE"
expect 10 "80x24: every key on the first screen" cheat_sheet_shows
if screen | grep -q "forbidden by RBAC"; then screen >&2; fail "admin: keys marked forbidden"; fi
if line_dim "^  s scale "; then fail "admin: the scale key dimmed"; fi
ok "admin: the action keys lead the cheat sheet, not dimmed"
tm resize-window -t console -x 160 -y 48
keys "/^  :redraw "; key Enter
expect 30 ":scale listed in the help" line_matches_any "^  :scale "
if screen | grep -E "^  :scale " | grep -q "forbidden by RBAC"; then
	fail "admin: :scale wrongly marked forbidden"
fi
if scale_line_dim; then
	fail "admin: :scale line dimmed"
fi
ok "admin: :scale not greyed"
cmd q
wait_exit 30
