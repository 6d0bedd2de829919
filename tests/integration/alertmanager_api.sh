#!/usr/bin/env bash
# The simulated Alertmanager v2 and Prometheus APIs behind the API server's
# service proxy: read with kubectl get --raw, written with the real amtool
# through `kubectl proxy` and with curl: a silence suppresses the firing
# alert, expiring it makes the alert active again; posted alerts appear;
# bad input is refused.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"
command -v jq >/dev/null || skip "jq missing"
command -v amtool >/dev/null || skip "amtool missing"

K="kubectl --request-timeout=20s --context prod-tokyo"
P=/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy
PROM=/api/v1/namespaces/monitoring/services/prometheus:9090/proxy

alerts() { $K get --raw "$P/api/v2/alerts"; }
state_of() { alerts | jq -r --arg a "$1" '[.[] | select(.labels.alertname == $a)][0].status.state'; }

start_drill bad-rollout --speed 10
kc_extract
wait_for 90 sh -c "[ \"\$($K get --raw $P/api/v2/alerts | jq -r '[.[] | select(.labels.alertname==\"PodCrashLooping\")] | length')\" = 1 ]" ||
	fail "PodCrashLooping never fired"
a=$(alerts | jq '[.[] | select(.labels.alertname == "PodCrashLooping")][0]')
[ "$(jq -r .status.state <<<"$a")" = active ] || fail "not active: $a"
[ "$(jq -r '.fingerprint | test("^[0-9a-f]{16}$")' <<<"$a")" = true ] || fail "bad fingerprint: $a"
[ "$(jq -r '.labels.cluster' <<<"$a")" = prod-tokyo ] || fail "no cluster label: $a"
[ "$(jq -r '.annotations.runbook_url' <<<"$a")" != null ] || fail "no runbook_url: $a"
for f in startsAt endsAt updatedAt generatorURL; do
	[ "$(jq -r --arg f "$f" '.[$f] | type' <<<"$a")" = string ] || fail "no $f: $a"
done
ok "alert objects carry the v2 fields"

# Filters.
n=$($K get --raw "$P/api/v2/alerts?filter=alertname%3D%22PodCrashLooping%22" | jq length)
[ "$n" = 1 ] || fail "filter returned $n alerts"
n=$($K get --raw "$P/api/v2/alerts?filter=alertname%3D%22NoSuchAlert%22" | jq length)
[ "$n" = 0 ] || fail "filter on a missing alert returned $n"
ok "filter= selects alerts"

# amtool through kubectl proxy.
$K proxy --port=0 >"$T/proxy.out" 2>&1 &
_cleanup_pids+=("$!")
wait_for 30 grep -q "Starting to serve" "$T/proxy.out" || fail "kubectl proxy did not start"
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$T/proxy.out" | head -n 1)
AMURL="http://127.0.0.1:$port$P/"
q=$(amtool --alertmanager.url="$AMURL" alert query -o json)
jq -e 'any(.[]; .labels.alertname == "PodCrashLooping")' >/dev/null <<<"$q" || fail "amtool alert query: $q"
id=$(amtool --alertmanager.url="$AMURL" silence add alertname=PodCrashLooping \
	--comment="drill test" --author=ci --duration=1h)
[[ "$id" =~ ^[0-9a-f-]{36}$ ]] || fail "amtool silence add printed '$id'"
ok "amtool: alert query and silence add ($id)"
wait_for 10 sh -c "[ \"\$($K get --raw $P/api/v2/alerts | jq -r '[.[] | select(.labels.alertname==\"PodCrashLooping\")][0].status.state')\" = suppressed ]" ||
	fail "silenced alert is not suppressed"
by=$(alerts | jq -r '[.[] | select(.labels.alertname == "PodCrashLooping")][0].status.silencedBy[0]')
[ "$by" = "$id" ] || fail "silencedBy is $by, want $id"
[ "$(state_of HighErrorRate)" = active ] || fail "HighErrorRate was silenced too"
n=$($K get --raw "$P/api/v2/alerts?silenced=false" | jq '[.[] | select(.labels.alertname=="PodCrashLooping")] | length')
[ "$n" = 0 ] || { $K get --raw "$P/api/v2/alerts?silenced=false" >&2; fail "silenced=false still lists the silenced alert"; }
ok "the silence suppresses PodCrashLooping only"
sq=$(amtool --alertmanager.url="$AMURL" silence query -o json)
jq -e --arg id "$id" 'any(.[]; .id == $id and .status.state == "active")' >/dev/null <<<"$sq" ||
	fail "amtool silence query: $sq"
amtool --alertmanager.url="$AMURL" silence expire "$id"
[ "$($K get --raw "$P/api/v2/silence/$id" | jq -r .status.state)" = expired ] || fail "silence not expired"
[ "$(state_of PodCrashLooping)" = active ] || fail "alert still suppressed after expiry"
ok "expiring the silence makes the alert active again"

# curl: a regex silence via POST, then DELETE.
ends=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
out=$(acurl -X POST -H 'Content-Type: application/json' "$SERVER$P/api/v2/silences" \
	-d "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"High.*\",\"isRegex\":true,\"isEqual\":true}],\"endsAt\":\"$ends\",\"createdBy\":\"curl\",\"comment\":\"regex\"}")
sid=$(jq -r .silenceID <<<"$out")
[ "$sid" != null ] || fail "POST silence: $out"
[ "$(state_of HighErrorRate)" = suppressed ] || fail "regex silence does not suppress HighErrorRate"
code=$(acurl -o /dev/null -w '%{http_code}' -X DELETE "$SERVER$P/api/v2/silence/$sid")
[ "$code" = 200 ] || fail "DELETE silence: $code"
[ "$(state_of HighErrorRate)" = active ] || fail "HighErrorRate still suppressed"
ok "curl: regex silence suppresses, DELETE expires"

# Bad input.
code=$(acurl -o "$T/err" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	"$SERVER$P/api/v2/silences" -d '{"matchers":[],"endsAt":"2099-01-01T00:00:00Z","createdBy":"x","comment":"y"}')
[ "$code" = 400 ] || fail "empty matchers: HTTP $code"
code=$(acurl -o "$T/err" -w '%{http_code}' -X POST "$SERVER$P/api/v2/silences" -d '{not json')
[ "$code" = 400 ] || fail "bad JSON: HTTP $code"
code=$(acurl -o "$T/err" -w '%{http_code}' "$SERVER$P/api/v2/silence/00000000-0000-4000-8000-000000000000")
[ "$code" = 404 ] || fail "unknown silence: HTTP $code"
ok "bad silences are refused"

# POST /api/v2/alerts: an external alert appears.
out=$(acurl -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	"$SERVER$P/api/v2/alerts" -d '[{"labels":{"alertname":"ManualTest","severity":"info"},"annotations":{"summary":"posted"}}]')
[ "$out" = 200 ] || fail "POST alerts: HTTP $out"
[ "$(state_of ManualTest)" = active ] || fail "posted alert not listed"
ok "posted alerts are listed"

# Status and Prometheus.
[ "$($K get --raw "$P/api/v2/status" | jq -r '.versionInfo.version | type')" = string ] || fail "status"
r=$($K get --raw "$PROM/api/v1/query?query=ALERTS")
jq -e '.status == "success" and any(.data.result[]; .metric.alertname == "PodCrashLooping" and .metric.alertstate == "firing")' \
	>/dev/null <<<"$r" || fail "ALERTS query: $r"
r=$($K get --raw "$PROM/api/v1/query?query=pods_crashlooping%7Bnamespace%3Dproduction%7D")
jq -e '.data.result[0].value[1] | tonumber > 0' >/dev/null <<<"$r" || fail "metric query: $r"
r=$($K get --raw "$PROM/api/v1/rules")
jq -e 'any(.data.groups[0].rules[]; .name == "PodCrashLooping" and .state == "firing")' >/dev/null <<<"$r" ||
	fail "rules: $r"
ok "Prometheus query and rules"
