#!/usr/bin/env bash
# Argo CD and Istio in the console, on the gitops drill: :app lists the
# applications with their sync and health; `c` on an OutOfSync application
# previews the sync and, confirmed, the drill's application controller
# syncs it to its source's commit (Synced, last sync Succeeded); after a
# new commit the application stays Synced until `R` refreshes it, then it
# is OutOfSync and the refresh annotation is gone. Both are audited
# (intent, then outcome). :appset lists the ApplicationSet; under the
# deployments the revision history names each deployment's share of the
# VirtualService's 95/5 split, read from the server.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
KUBECTL=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
[ -x "$KUBECTL" ] || skip "kubectl 1.33 missing"
command -v jq >/dev/null || skip "jq missing"
k() { "$KUBECTL" --context staging -n argocd "$@"; }
app() { k get application staging -o json; }

start_drill gitops
wait_for 30 k get application staging || fail "no staging application"
head=$(app | jq -r '.metadata.annotations["drill.opsdeck.dev/head-revision"]')
[ "$(app | jq -r .status.sync.status)" = OutOfSync ] || fail "staging not OutOfSync at start"

start_console --kubeconfig "$KUBECONFIG" --context staging,prod-tokyo
wait_screen 60 "staging(staging) live"
cmd "app @staging"
wait_screen 30 "applications @staging"
expect 30 "the staging application OutOfSync" line_matches_any "^argocd +staging +OutOfSync +Healthy +1a2b3c4 "
key c
wait_screen 30 "y: go ahead"
wait_screen 10 "argocd/staging sync to revision main (now OutOfSync, Healthy)"
ok "c previews the sync"
key y
wait_for 30 sh -c "[ \"\$($KUBECTL --context staging -n argocd get application staging -o jsonpath='{.status.sync.revision}')\" = $head ]" ||
	{ app | jq .status; fail "not synced to $head"; }
[ "$(app | jq -r .status.operationState.operation.initiatedBy.username)" = "$(id -un)" ] ||
	fail "the sync does not name the local user"
expect 30 "Synced to ${head:0:7}, last sync Succeeded" line_matches_any "^argocd +staging +Synced +Healthy +${head:0:7} +Succeeded "
ok "confirmed sync reached the cluster (Synced at ${head:0:7})"

# a new commit: Argo CD notices it on refresh
new=0123456789abcdef0123456789abcdef01234567
k annotate application staging "drill.opsdeck.dev/head-revision=$new" --overwrite >/dev/null
sleep 2
[ "$(app | jq -r .status.sync.status)" = Synced ] || fail "compared before a refresh"
key R
wait_screen 30 "y: go ahead"
wait_screen 10 "argocd/staging refresh (normal)"
key y
wait_for 30 sh -c "[ \"\$($KUBECTL --context staging -n argocd get application staging -o jsonpath='{.status.sync.status}')\" = OutOfSync ]" ||
	{ app | jq .; fail "refresh did not compare again"; }
[ "$(app | jq -r '.metadata.annotations["argocd.argoproj.io/refresh"] // "gone"')" = gone ] ||
	fail "the refresh annotation stayed"
expect 30 "OutOfSync after the refresh" line_matches_any "^argocd +staging +OutOfSync +Healthy +${head:0:7} "
ok "R refreshes: the new commit makes it OutOfSync"

audit_check_intents sync refresh
/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" <<'PY' || fail "audit records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
def one(verb, key, want):
    r = [o for o in recs if o["verb"] == verb and o.get("phase") == "outcome"]
    assert len(r) == 1 and r[0]["outcome"] == "ok", r
    assert r[0]["target"] == {"kind": "applications", "namespace": "argocd", "name": "staging"}, r
    assert r[0]["params"][key] == want, r
one("sync", "revision", "main")
one("refresh", "refresh", "normal")
PY
ok "sync and refresh audited"

cmd "appset @prod-tokyo"
wait_screen 30 "applicationsets @prod-tokyo"
expect 30 "quiz-services with its list generator" line_matches_any "^argocd +quiz-services +list +default "
ok ":appset lists the ApplicationSet"

# the VirtualService's split beside each deployment's versions
cmd "deploy @prod-tokyo production"
wait_screen 30 "deployments @prod-tokyo"
keys "/frontend-canary"; key Enter
wait_screen 30 "revision history: frontend-canary — traffic 5% (canary subset of VirtualService frontend, stable/canary 95/5)"
key Escape
keys "/frontend"; key Enter
wait_screen 10 "filter:/frontend/"
cmd "sort NAME"
key g
wait_screen 30 "revision history: frontend — traffic 95% (stable subset of VirtualService frontend, stable/canary 95/5)"
ok "the deployments show their VirtualService weights (95/5)"
"$KUBECTL" --context prod-tokyo -n production patch virtualservices.networking.istio.io frontend \
	--type json -p '[{"op":"replace","path":"/spec/http/1/route/0/weight","value":80},
	{"op":"replace","path":"/spec/http/1/route/1/weight","value":20}]' >/dev/null
key Escape
keys "/frontend-canary"; key Enter
wait_screen 30 "revision history: frontend-canary — traffic 20% (canary subset of VirtualService frontend, stable/canary 80/20)"
ok "the weight follows the server's VirtualService (80/20)"
quit_console
