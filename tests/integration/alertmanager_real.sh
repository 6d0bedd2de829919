#!/usr/bin/env bash
# opsdeck against the REAL Alertmanager (Debian prometheus-alertmanager):
# alerts posted with amtool show in `opsdeck get alerts`; `opsdeck silence
# add` creates a silence amtool sees; `opsdeck silence expire` expires it.
# The context's Alertmanager URL comes from config.yaml; the context's API
# server is never contacted for Alertmanager calls (it points at a closed
# port on purpose).
. "$(dirname "$0")/../lib/common.sh"

. "$(dirname "$0")/../lib/alertmanager.sh"
command -v amtool >/dev/null || skip "amtool not installed"
start_real_alertmanager <<'EOF'
route:
  receiver: blackhole
  group_wait: 1s
receivers:
  - name: blackhole
EOF

amtool --alertmanager.url="$AMURL" alert add DiskFull severity=critical namespace=shop \
	--annotation=summary="disk almost full" || fail "amtool alert add"
amtool --alertmanager.url="$AMURL" alert add CertExpiry severity=warning \
	--annotation=summary="cert expires soon" || fail "amtool alert add"
wait_for 30 sh -c "amtool --alertmanager.url=$AMURL alert query -o simple | grep -q CertExpiry" ||
	fail "alerts not visible in amtool"

# get alerts: both alerts, under the CLUSTER column, exit 0.
out=$("$OPSDECK" get alerts --context am-ctx) || fail "get alerts failed: $out"
assert_contains "$out" "CLUSTER" "get alerts"
assert_contains "$out" "DiskFull" "get alerts"
assert_contains "$out" "CertExpiry" "get alerts"
assert_contains "$out" "am-ctx" "get alerts"
ok "get alerts shows the alerts amtool posted"

json=$("$OPSDECK" get alerts --context am-ctx -o json) || fail "get alerts -o json"
n=$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 2 ] || fail "expected 2 alert rows in JSON, got $n"
ok "get alerts -o json has 2 rows"

# silence add: the id printed is one amtool knows, with our matchers.
id=$("$OPSDECK" silence add --context am-ctx --matcher alertname=DiskFull \
	--matcher 'namespace=~sh.*' --duration 2h --comment "disk work" --author tester) ||
	fail "silence add failed"
[ -n "$id" ] || fail "silence add printed no id"
q=$(amtool --alertmanager.url="$AMURL" silence query -o json)
printf '%s' "$q" | /usr/bin/python3 -c '
import json, sys
sid = sys.argv[1]
sil = [s for s in json.load(sys.stdin) if s["id"] == sid]
assert sil, "silence %s not found" % sid
s = sil[0]
assert s["status"]["state"] == "active", s["status"]
assert s["createdBy"] == "tester" and s["comment"] == "disk work", s
m = {x["name"]: x for x in s["matchers"]}
assert m["alertname"]["value"] == "DiskFull" and not m["alertname"]["isRegex"], m
assert m["namespace"]["value"] == "sh.*" and m["namespace"]["isRegex"], m
' "$id" || fail "amtool does not show the silence as added"
ok "silence add: $id visible in amtool with its matchers"

# The silenced alert turns suppressed; opsdeck shows the silence too.
wait_for 60 sh -c "amtool --alertmanager.url=$AMURL alert query -s -o json | grep -q suppressed" ||
	fail "alert did not become suppressed"
out=$("$OPSDECK" silence list --context am-ctx) || fail "silence list failed"
assert_contains "$out" "$id" "silence list"
ok "silence list shows $id"

# expire: amtool sees it expired.
"$OPSDECK" silence expire "$id" --context am-ctx || fail "silence expire failed"
amtool --alertmanager.url="$AMURL" silence query --expired -o json | /usr/bin/python3 -c '
import json, sys
sid = sys.argv[1]
sil = [s for s in json.load(sys.stdin) if s["id"] == sid]
assert sil and sil[0]["status"]["state"] == "expired", sil
' "$id" || fail "silence not expired"
ok "silence expire"

# A wrong silence id is an error with Alertmanager's message.
if "$OPSDECK" silence expire 00000000-0000-0000-0000-000000000000 --context am-ctx 2>"$T/err"; then
	fail "expiring an unknown silence succeeded"
fi
assert_contains "$(cat "$T/err")" "am-ctx" "expire error"
ok "unknown silence id fails"
