#!/usr/bin/env bash
# The overview is estate-wide: it does not follow the namespace other views
# stick to (":deploy @dev default" then "1" once showed "ns:default, all
# good" while staging's backend crash-looped), backups are judged in every
# namespace (no false "none completed" under ns:production), and only
# ":overview NAMESPACE" narrows it, with the title saying so and counting the
# problems it hides.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
break_staging_backend

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging,dev
wait_screen 60 "prod-tokyo(primary) live"
# the crash loop is on the overview first
expect 90 "staging's crash loop on the overview" line_matches_any "staging .*CrashLoopBackOff"

# a view sticks to namespace default; the overview does not follow it
cmd "deploy @dev default"
wait_screen 20 "ns:default"
key 1
wait_screen 10 " overview "
expect 10 "overview shows ns:all" line_matches 1 "ns:all"
expect 10 "staging's crash loop stays on the overview" line_matches_any "staging .*CrashLoopBackOff"
ok "overview ignores the sticky namespace"

# under ns:production the backups (in namespace velero) still count
cmd "pods @prod-tokyo production"
wait_screen 20 "ns:production"
key 1
wait_screen 10 " overview "
sleep 2
! line_matches_any "none completed" || { screen >&2; fail "false 'none completed' under ns:production"; }
ok "backups judged estate-wide"

# an explicit filter says so and counts what it hides
cmd "overview production"
wait_screen 10 "overview of ns production"
expect 10 "hidden count" line_matches 1 "overview of ns production, [1-9][0-9]* problems? elsewhere hidden"
expect 10 "header ns:production" line_matches 1 "ns:production"
! line_matches_any "staging .*CrashLoopBackOff" || { screen >&2; fail "filtered overview shows staging's pods"; }
ok "explicit filter: title and hidden count"
quit_console
