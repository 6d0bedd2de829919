#!/usr/bin/env bash
# Small terminals hide nothing that matters:
# - at 60x15 the header names every cluster that is not live (the live ones
#   folded into a count), in every view: a dev cluster gone stale was once
#   off the edge of a header that listed 2 of 4 clusters;
# - the overview's PROBLEM column gets the width: at 80 columns a cluster's
#   outage text is not cut to a few characters by a long NAME cell, and at
#   40 columns PROBLEM is still there (it once was the first to go).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
reach() {	# CLUSTER STATE: switch a cluster's reachability through staging's API
	echo '{}' | kubectl --context staging create --raw \
		"/drill/v1/reach?cluster=$1&state=$2" -f - >/dev/null
}
break_staging_backend

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging,dev
wait_screen 60 "dev(dev) live"
tm resize-window -t console -x 60 -y 15
sleep 1

reach dev hang
expect 30 "dev named stale in a 60x15 header" line_matches 2 "3 live · dev STALE [0-9]+s"
cmd "pods"
wait_screen 10 " pods "
expect 10 "dev still named in the pods view" line_matches 2 "3 live · dev STALE"
ok "60x15: every cluster that is not live is in the header"
reach dev ok
expect 60 "dev live again: full header" line_matches 2 "dev\(dev\) live|4 live"

# 80x24: an outage's text is in PROBLEM, whole enough to read
key 1
wait_screen 10 " overview "
tm resize-window -t console -x 80 -y 24
reach prod-tokyo refuse
expect 60 "prod-tokyo unreachable on its cluster line" \
	line_matches_any "^prod-to.* +primary, unrea.* +unreachable since [0-9:]{8}, data below"
ok "80x24: the outage reads in PROBLEM, not in a swollen NAME"

# 40 columns: PROBLEM stays, the other columns give way
tm resize-window -t console -x 40 -y 24
expect 60 "staging's crash loop reads at 40 columns" line_matches_any "CrashLoopBack"
screen | grep -Eq "^CLUSTER +PROBLEM" || { screen >&2; fail "no PROBLEM column at 40 columns"; }
ok "40 columns: PROBLEM kept"
reach prod-tokyo ok
quit_console
