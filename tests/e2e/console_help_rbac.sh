#!/usr/bin/env bash
# The help view asks RBAC for each mutating command: with the drill's
# read-only viewer@staging context the :scale line is dimmed and says
# "forbidden by RBAC on viewer@staging"; with the admin context it is not.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill estate

# scale_line_dim: the :scale help line (not the search match) carries SGR 2 (dim) or 90 (the
# theme's brightblack dim slot) before its text
scale_line_dim() {
	tm capture-pane -e -p -t console | /usr/bin/python3 -c '
import re, sys
for line in sys.stdin.read().split("\n"):
    plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if not plain.startswith("  :scale "):
        continue
    pre = line[:line.find(":scale")]
    for sgr in re.findall(r"\x1b\[([0-9;]*)m", pre):
        ps = (sgr or "0").split(";")
        if "2" in ps or "90" in ps:
            sys.exit(0)
    sys.exit(1)
sys.exit(1)'
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
key '?'
wait_screen 10 "KEYS"
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
cmd "help"
wait_screen 10 "KEYS"
# every review has answered once the help says so
expect 60 "RBAC reviews answered" rbac_answered staging
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
