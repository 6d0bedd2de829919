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
cmd "help"
wait_screen 10 "KEYS"
# the scale action is always linked: its line must be in the help
keys "/^  :scale "; key Enter
expect 30 ":scale listed in the help" line_matches_any "^  :scale "
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
# a message goes when another view opens ("cancelled" is not shown in the
# next confirmation), and it expires
key s
wait_screen 10 "replicas"
key C-u
keys "$want"; key Enter
wait_screen 30 "y: go ahead"
key n
wait_screen 10 "cancelled"
key s
wait_screen 10 "replicas"
key C-u
keys "$want"; key Enter
wait_screen 30 "y: go ahead"
expect 10 "no stale 'cancelled' in the next confirmation" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q cancelled"
ok "messages cleared when a view opens"
key n
wait_screen 10 "cancelled"
wait_gone 30 "cancelled"
ok "messages expire"
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
cmd "sort NAME"
wait_screen 10 "sorted by NAME"
cmd "pods @staging"
wait_screen 30 "pods @staging"
expect 10 "sort message cleared by the view switch" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t console | grep -q 'sorted by'"
ok "messages cleared on a view switch"
cmd q
wait_exit 30
tm kill-server 2>/dev/null || true

# Quitting while a follow-up runs: the sent request gets a final audit
# record "interrupted" (new pods take seconds to be ready, so the follow-up
# is still polling when :q, typed right after y, arrives).
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
again=$((want + 2))
start_console --kubeconfig "$KUBECONFIG" --context "$ctxs"
wait_screen 60 "staging(staging) live"
cmd "deploy @staging"
wait_screen 30 "frontend"
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
expect 60 "the frontend row shown" line_matches 1 "\[[1-9][0-9]*/[0-9]+\] .*filter:/frontend/"
key g
key s
wait_screen 10 "replicas"
key C-u
keys "$again"; key Enter
wait_screen 30 "replicas $want → $again"
key y
cmd q
wait_exit 30
/usr/bin/python3 - "$audit" "$again" <<'PY' || fail "no interrupted audit record for the quit follow-up"
import json, sys
want = int(sys.argv[2])
recs = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
last = [o["outcome"] for o in recs
        if o["verb"] == "scale" and o["params"].get("replicas") == want]
assert last[-1] == "interrupted", last
PY
ok "quitting during a follow-up audits it as interrupted"

audit_check_intents scale
ok "console scales wrote their intents before the requests"
