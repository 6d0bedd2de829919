#!/usr/bin/env bash
# The audit record is a precondition (issue 15, part 2): an intent record
# (who, where, the exact request) is written and fsync'd before a mutating
# request is sent, and when it cannot be written the action is refused and
# nothing is sent. Full disk (the log is /dev/full), a log that cannot be
# opened, and a read-only tmpfs as XDG_STATE_HOME (when this host lets us
# mount one) each make `opsdeck runbook run ... --yes` refuse and exit
# non-zero with the deployment unchanged, and `opsdeck silence add` create
# no silence.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate
k() { kubectl --context prod-tokyo --request-timeout=30s "$@"; }
rb=$T/scale.yaml
printf 'name: scale-websocket\ntitle: s\nseverity: P3\nsteps:\n  - action: "scale 1 -n production -t deployments/websocket"\n    timeout: 60s\n' >"$rb"
replicas() { k get deploy websocket -n production -o jsonpath='{.spec.replicas}'; }
active_silences() {
	"$OPSDECK" get silences --context staging -o json |
		jq '[.[] | select(.cells.STATE == "active")] | length'
}
[ "$(replicas)" = 2 ] || fail "websocket does not start at 2 replicas"

# refused WHAT: the runbook run must fail, say why, and leave replicas at 2.
refused() {
	local rc=0
	"$OPSDECK" runbook run "$rb" --context prod-tokyo --yes >"$T/out" 2>&1 || rc=$?
	cat "$T/out"
	[ "$rc" != 0 ] || fail "$1: the run exited 0"
	assert_contains "$(cat "$T/out")" "cannot write the audit record, nothing was sent" "$1"
	assert_not_contains "$(cat "$T/out")" "completed" "$1"
	sleep 1
	[ "$(replicas)" = 2 ] || fail "$1: replicas changed to $(replicas)"
	ok "$1: runbook run refused (exit $rc), replicas unchanged"
}

# A full disk: every write to the log fails with ENOSPC.
state=$XDG_STATE_HOME
mkdir -p "$state/opsdeck"
ln -s /dev/full "$state/opsdeck/audit.jsonl"
refused "full state directory (/dev/full)"
n0=$(active_silences)
rc=0
"$OPSDECK" silence add --context staging --matcher alertname=Watchdog --duration 1h \
	--comment x >"$T/sil.out" 2>"$T/sil.err" || rc=$?
cat "$T/sil.err"
[ "$rc" != 0 ] || fail "silence add exited 0 with a full state directory"
[ ! -s "$T/sil.out" ] || fail "silence add printed an id: $(cat "$T/sil.out")"
assert_contains "$(cat "$T/sil.err")" "cannot write the audit record"
[ "$(active_silences)" = "$n0" ] || fail "a silence was created anyway"
ok "full state directory: silence add refused, no silence"

# A log that cannot be opened (root ignores permissions: make it a directory).
rm "$state/opsdeck/audit.jsonl"; mkdir "$state/opsdeck/audit.jsonl"
refused "unopenable audit log"
rmdir "$state/opsdeck/audit.jsonl"

# A read-only tmpfs (the issue's setting), where mounting is allowed.
ro=$T/rostate
mkdir -p "$ro"
if mount -t tmpfs -o size=64k,mode=0700 tmpfs "$ro" 2>/dev/null; then
	on_exit "umount '$ro'"
	mkdir -p "$ro/opsdeck"
	mount -o remount,ro "$ro" || fail "cannot remount read-only"
	XDG_STATE_HOME=$ro refused "read-only tmpfs state directory"
	umount "$ro"
	# and a full one: 64 KiB filled up
	mount -t tmpfs -o size=64k,mode=0700 tmpfs "$ro"
	mkdir -p "$ro/opsdeck"
	dd if=/dev/zero of="$ro/fill" bs=4k 2>/dev/null || true
	XDG_STATE_HOME=$ro refused "full 64 KiB tmpfs state directory"
	umount "$ro"
else
	echo "note: cannot mount a tmpfs here; /dev/full and the unopenable log cover it"
fi

# With a writable log: the intent precedes the request's outcome and holds
# the exact request; the outcome names it.
"$OPSDECK" runbook run "$rb" --context prod-tokyo --yes >"$T/ok.out" 2>&1 ||
	{ cat "$T/ok.out"; fail "the run failed with a writable log"; }
[ "$(replicas)" = 1 ] || fail "not scaled with a writable log"
A=$state/opsdeck/audit.jsonl
jq -se '
	[.[] | select(.verb == "scale")] as $s
	| ($s | map(select(.phase == "intent"))) as $i
	| ($s | map(select(.phase == "outcome" and .intent != null))) as $o
	| ($i | length) == 1 and ($o | length) == 1
	and $i[0].request.method == "PATCH"
	and $i[0].request.path == "/apis/apps/v1/namespaces/production/deployments/websocket/scale"
	and ($i[0].request.body | fromjson) == {"spec": {"replicas": 1}}
	and $i[0].outcome == "pending" and $i[0].user != null and $i[0].kube_user != null
	and $i[0].context == "prod-tokyo" and $i[0].origin == "runbook"
	and $o[0].intent == $i[0].id and $o[0].outcome == "ok"
	and ($s | index($i[0])) < ($s | index($o[0]))' "$A" >/dev/null ||
	{ cat "$A"; fail "intent and outcome records do not match"; }
ok "writable log: intent (PATCH, path, body) before the outcome that names it"
