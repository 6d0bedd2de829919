#!/usr/bin/env bash
# Action keys through the console: --read-only refuses them at the command
# table (READ-ONLY in the header); otherwise `s` asks at the prompt, shows
# the dry-run preview in a confirmation view, and `y` scales the deployment
# (checked with real kubectl).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate
ctxs=prod-tokyo,prod-osaka,staging,dev

start_console --kubeconfig "$KUBECONFIG" --context "$ctxs" --read-only
wait_screen 60 "staging(staging) live"
expect 10 "READ-ONLY in the header" line_matches 1 "READ-ONLY"
cmd "deploy @staging"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
key g
# is the scale command linked into this build at all?
cmd "help"
wait_screen 10 "KEYS"
keys "/^  :scale "; key Enter
sleep 0.5
if ! screen | grep -q "^  :scale "; then
	skip "the scale action is not part of this build"
fi
key Escape
wait_screen 10 "deployments @staging"
key s
wait_screen 10 "refused: read-only"
ok "--read-only refuses the scale key"
cmd q
wait_exit 30
tm kill-server 2>/dev/null || true

before=$(kubectl --context staging -n staging get deploy frontend -o jsonpath='{.spec.replicas}')
want=$((before + 1))
start_console --kubeconfig "$KUBECONFIG" --context "$ctxs"
wait_screen 60 "staging(staging) live"
assert_not_contains "$(screen | sed -n 1p)" "READ-ONLY"
cmd "deploy @staging"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
key g
key s
wait_screen 10 "replicas"
key C-u
keys "$want"; key Enter
wait_screen 30 "y: go ahead"
wait_screen 10 "replicas $before → $want"
ok "scale asks, then previews in a confirmation view"
key y
wait_for 60 sh -c "[ \"\$(kubectl --context staging -n staging get deploy frontend -o jsonpath='{.spec.replicas}')\" = $want ]" ||
	fail "frontend not scaled to $want"
wait_screen 60 "frontend  "
ok "confirmed scale reached the cluster ($before → $want)"
cmd q
wait_exit 30
