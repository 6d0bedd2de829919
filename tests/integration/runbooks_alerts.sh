#!/usr/bin/env bash
# Alertmanager through the pipeline: the silence-for-maintenance runbook
# creates a silence (matchers, duration, comment, createdBy = local user)
# that Alertmanager then lists; a wait on "alerts{...} firing == 0" sees the
# silenced alert stop firing; runbook-url prints the alert's runbook; the
# silence is expired again with expire-silence. All audited.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill bad-rollout --speed 20
server=$(jq -r '.clusters[] | select(.name=="prod-tokyo") | .cluster.server' "$KUBECONFIG")
am() {
	curl -sS --max-time 10 -k \
		--cert <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" | base64 -d) \
		--key <(jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" | base64 -d) \
		"$server/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/api/v2/$1"
}
firing() { am alerts | jq -e '[.[] | select(.labels.alertname=="PodCrashLooping" and .status.state=="active")] | length > 0' >/dev/null; }
wait_for 120 firing || fail "PodCrashLooping never fired"

cat >"$T/url.yaml" <<'YAML'
name: url
title: runbook url
severity: P3
steps:
  - action: "runbook-url PodCrashLooping"

YAML
out=$("$OPSDECK" runbook run "$T/url.yaml" --context prod-tokyo 2>&1) || { printf "%s\n" "$out"; fail "url runbook"; }
printf "%s\n" "$out"
assert_contains "$out" "PodCrashLooping runbook: https://runbooks.example.com/pod-crashloop"

cat >"$T/quiet.yaml" <<'YAML'
name: quiet
title: silence and check
severity: P3
steps:
  - action: "silence 30m alertname=PodCrashLooping namespace=production --comment \"release rollback in progress\""
  - wait: "alerts{alertname=PodCrashLooping} firing == 0"
    timeout: 60s
YAML
out=$("$OPSDECK" runbook run "$T/quiet.yaml" --context prod-tokyo --yes 2>&1) || { printf '%s\n' "$out"; fail "silence runbook"; }
printf '%s\n' "$out"
assert_contains "$out" 'silence {alertname="PodCrashLooping",namespace="production"} for 30m'
id=$(am silences | jq -r '[.[] | select(.status.state=="active" and .comment=="release rollback in progress")][0].id')
[ -n "$id" ] && [ "$id" != null ] || fail "no active silence in Alertmanager"
s=$(am silences | jq -c --arg id "$id" '.[] | select(.id==$id)')
[ "$(printf '%s' "$s" | jq -r .createdBy)" = "$(id -un)" ] || fail "createdBy is not the local user: $s"
printf '%s' "$s" | jq -e '[.matchers[] | select(.name=="alertname" and .value=="PodCrashLooping" and .isEqual==true and .isRegex==false)] | length == 1' >/dev/null ||
	fail "matchers wrong: $s"

printf 'name: unquiet\ntitle: expire\nseverity: P3\nsteps:\n  - action: "expire-silence %s"\n' "$id" >"$T/expire.yaml"
"$OPSDECK" runbook run "$T/expire.yaml" --context prod-tokyo --yes >/dev/null 2>&1 || fail "expire-silence"
[ "$(am silences | jq -r --arg id "$id" '.[] | select(.id==$id) | .status.state')" = expired ] ||
	fail "silence $id not expired"

/usr/bin/python3 - "$XDG_STATE_HOME/opsdeck/audit.jsonl" "$id" <<'PY' || fail "audit log"
import json, sys
lines = [o for o in (json.loads(l) for l in open(sys.argv[1])) if o.get("phase") != "intent"]
sil = [o for o in lines if o["verb"] == "silence"]
assert len(sil) == 1 and sil[0]["outcome"] == "ok" and sil[0]["params"]["silence_id"] == sys.argv[2], sil
exp = [o for o in lines if o["verb"] == "expire-silence"]
assert len(exp) == 1 and exp[0]["outcome"] == "ok" and exp[0]["params"]["silence"] == sys.argv[2], exp
PY
ok "silence, runbook-url and expire-silence through Alertmanager"
