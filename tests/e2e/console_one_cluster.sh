#!/usr/bin/env bash
# One cluster, one row, whatever the number of contexts: the drill's
# kubeconfig reaches each cluster through three identities (admin, viewer@,
# exec@). --all-contexts once showed every problem three times; contexts
# that reach the same cluster (same server and CA) are now one cluster on
# screen, the first named (with --all-contexts the current context) acting
# for it, and :ctx names the others.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
break_staging_backend

start_console --kubeconfig "$KUBECONFIG" --all-contexts
wait_screen 60 "dev(dev) live"
expect 90 "staging's crash loop on the overview" line_matches_any "^staging +pod .*CrashLoopBackOff"
sleep 2
# (between restarts the pod's problem reads "not ready": count its rows)
n=$(screen | grep -cE "^[a-z@-]*staging +pod +staging +backend-" || true)
[ "$n" = 1 ] || { screen >&2; fail "the crash-looping pod is shown $n times"; }
n=$(screen | grep -cE "^[a-z@-]+ +cluster " || true)
[ "$n" = 4 ] || { screen >&2; fail "$n cluster lines for 4 clusters"; }
if header | grep -q "@"; then screen >&2; fail "viewer@/exec@ contexts in the header"; fi
ok "--all-contexts: 4 clusters, staging's crash loop once"
cmd "ctx"
wait_screen 10 "ALSO AS"
expect 10 ":ctx names the folded identities" \
	line_matches_any "^staging .*viewer@staging, exec@staging"
ok ":ctx names the other contexts reaching each cluster"
quit_console
tm kill-server 2>/dev/null || true

# Named on the command line: the first named acts, and the header shows it.
start_console --kubeconfig "$KUBECONFIG" --context viewer@staging,staging,dev
wait_screen 60 "dev(dev) live"
expect 30 "the viewer acts for staging" eval 'header | grep -q "viewer@staging(staging)"'
if header | grep -qE "(^| )staging\(staging\)"; then screen >&2; fail "staging shown twice"; fi
cmd "deploy @viewer@staging staging"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
key s
expect 30 "the viewer's identity is refused by RBAC" line_matches_any "forbidden by RBAC"
ok "the first context named acts for its cluster (viewer@staging: RBAC refuses a scale)"
quit_console
