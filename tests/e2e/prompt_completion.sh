#!/usr/bin/env bash
# Tab completes by the argument's kind, through readline in a real terminal:
# - one Tab on an ambiguous word lists the choices on the status line;
# - "@prod-t" completes to the context @prod-tokyo ("@" once split the word,
#   so nothing happened, and "@pr" completed to the namespace @production);
# - ":rb " offers runbooks (those for the selection), not contexts and
#   namespaces;
# - ":pods " offers namespaces and -A.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate --speed 4
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging
wait_screen 60 "staging(staging) live"
wait_for 60 kubectl --context prod-tokyo -n production get deploy backend || fail "no backend"
cmd "pods -A"
wait_screen 30 "backend-"

# the prompt is the last line
prompt_line() { screen | tail -1; }

keys ":pods @prod-t"
key Tab
expect 10 "@prod-t completes to the context" eval 'prompt_line | grep -qE "^:pods @prod-tokyo ?$"'
key Escape
ok "@prod-t<Tab> completes to @prod-tokyo"

keys ":pods @pr"
key Tab
expect 10 "both prod contexts offered" eval 'screen | grep -qE "@prod-osaka +@prod-tokyo|@prod-tokyo +@prod-osaka"'
if screen | grep -q "@production"; then screen >&2; fail "a namespace offered after @"; fi
expect 10 "@pr completes the common part" eval 'prompt_line | grep -qE "^:pods @prod-$"'
key Escape
ok "@pr<Tab> completes the common part and lists contexts only"

# on a deployment, the runbooks for deployments
cmd "deployments @prod-tokyo production"
wait_screen 30 "frontend"
keys ":rb "
key Tab
# the matches take two lines above the prompt at 160 columns
matches() { screen | tail -3 | sed -n 1,2p; }
expect 10 "runbooks offered for :rb" eval 'matches | grep -q "rollback-deployment"'
if matches | grep -qE "@prod-tokyo|production"; then screen >&2; fail ":rb offered contexts or namespaces"; fi
key Escape
ok ":rb <Tab> lists runbooks"

keys ":pods prod"
key Tab
expect 10 "a namespace completes" eval 'prompt_line | grep -qE "^:pods production ?$"'
key Escape
ok ":pods prod<Tab> completes the namespace"
quit_console
