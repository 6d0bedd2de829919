#!/usr/bin/env bash
# The audit log survives kill -9 in the middle of a burst of actions: every
# line is one complete JSON object (one write() per line), none torn.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill "$(drill_test_scenario)"
ctx=$(jq -r '."current-context"' "$KUBECONFIG")
node=$(kubectl --context "$ctx" get nodes -o jsonpath='{.items[0].metadata.name}')
[ -n "$node" ] || fail "no node in the drill"

# A runbook that cordons and uncordons the node 100 times (200 mutations,
# each audited, plus one audit line per step).
rb=$T/burst.yaml
{
	echo "name: burst"
	echo "title: audit burst"
	echo "severity: P3"
	echo "steps:"
	for i in $(seq 100); do
		echo "  - action: \"cordon -t nodes/$node\""
		echo "  - action: \"uncordon -t nodes/$node\""
	done
} >"$rb"
"$OPSDECK" runbook check "$rb" >/dev/null || fail "burst runbook invalid"

audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
killed=0
for round in 1 2 3 4 5 6; do
	before=$( [ -f "$audit" ] && wc -l <"$audit" || echo 0)
	"$OPSDECK" runbook run "$rb" --context "$ctx" --yes >"$T/run$round.log" 2>&1 &
	pid=$!
	# Kill once the burst is under way (a different point each round).
	wait_for 60 sh -c "[ \$(wc -l <'$audit' 2>/dev/null || echo 0) -ge $((before + 3 + round * 5)) ]" ||
		{ cat "$T/run$round.log"; fail "round $round: the burst did not start"; }
	if kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
		wait "$pid" 2>/dev/null || true
		echo "round $round: killed after $(( $(wc -l <"$audit") - before )) lines"
	else
		wait "$pid" 2>/dev/null || true
		echo "round $round: the burst ended before the kill"
	fi
	[ "$killed" -lt 3 ] || break
done
[ "$killed" -ge 3 ] || fail "could not kill a burst mid-way three times"

# Every line parses and carries the fields; the file ends with a newline.
/usr/bin/python3 - "$audit" <<'PY' || fail "audit log has a bad line"
import json, sys
path = sys.argv[1]
data = open(path, "rb").read()
assert data.endswith(b"\n"), "last line torn (no newline)"
n = 0
for i, line in enumerate(data.split(b"\n")[:-1], 1):
    o = json.loads(line)
    for k in ("time", "user", "host", "kube_user", "context", "verb", "target", "params",
              "dry_run", "outcome", "message", "origin", "incident"):
        assert k in o, "line %d lacks %s" % (i, k)
    assert o["phase"] in ("intent", "outcome"), o
    if o["phase"] == "intent":
        assert o["outcome"] == "pending" and o["id"] and o["request"]["method"], o
    else:
        assert o["outcome"] in ("ok", "failed", "refused", "forbidden", "cancelled", "timeout",
                                "skipped", "interrupted", "unknown"), o["outcome"]
    n += 1
mut = 0
for line in data.split(b"\n")[:-1]:
    o = json.loads(line)
    if o["verb"] in ("cordon", "uncordon") and o["outcome"] == "ok" and o["phase"] == "outcome":
        assert o["origin"] == "runbook" and o["target"]["kind"] == "nodes", o
        assert o["kube_user"], o
        mut += 1
print("lines", n, "mutations", mut)
assert mut >= 3
PY
ok "audit lines intact after kill -9 (three rounds)"
