#!/usr/bin/env bash
# The console in tmux on a real control plane (tests/realk8s/):
# - rows appear; a `kubectl scale` and a `kubectl set image` made beside
#   the console show up through its watches (bounded wait; the figure is
#   printed, not asserted);
# - undo, scale, restart, pause, resume, delete pod and CronJob run-now
#   through the console: each shows its preview after the real server's
#   dry run (the server's audit log has the dryRun=All request; a dry-run
#   DELETE leaves the pod alone), writes an audit line, and its result is
#   what kubectl then reads;
# - the viewer (token bound to the "view" ClusterRole) is refused a scale
#   by the real server's SelfSubjectAccessReview before any prompt, and
#   nothing is sent.
. "$(dirname "$0")/../lib/realk8s.sh"
. "$(dirname "$0")/console_lib.bash"
command -v jq >/dev/null || skip "jq missing"

realk8s_up real-tokyo
ctx=real-tokyo
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
k() { kc --context "$ctx" "$@"; }
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
srv_audit=$RK_DIR/$ctx/apiserver.audit.log

# ops_seen FILTER: some request of opsdeck's in the API server's audit log
# passes the jq FILTER.
ops_seen() {
	[ -n "$(jq -c "select(.userAgent | startswith(\"opsdeck/\")) | $1" "$srv_audit")" ]
}
# dry_seen VERB RESOURCE NAME: opsdeck sent the server a dry run of VERB.
dry_seen() {
	ops_seen "select(.verb == \"$1\" and .objectRef.resource == \"$2\" and
		.objectRef.name == \"$3\" and (.requestURI | contains(\"dryRun=All\")))"
}
# audited VERB NAME: opsdeck's audit log has VERB on NAME with outcome ok.
audited() {
	jq -e -s --arg v "$1" --arg n "$2" \
		'map(select(.verb == $v and .target.name == $n and .outcome == "ok")) | length > 0' \
		"$audit" >/dev/null 2>&1
}
# elapsed_since T0: seconds (one decimal) since the date +%s.%N T0.
elapsed_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
field() { k -n "$1" get "$2" -o jsonpath="$3"; }

start_console --kubeconfig "$KUBECONFIG" --context "$ctx"
wait_screen 60 "$ctx live"
cmd "deploy staging"
wait_screen 30 "deployments"
expect 30 "the staging deployments listed" rows_show "^backend +2/2 "
expect 10 "frontend listed" rows_show "^frontend +1/1 "
ok "rows appear: staging's deployments from the real server"

# kubectl scale beside the console: the row follows through the watch.
t0=$(date +%s.%N)
k -n staging scale deploy/backend --replicas=4 >/dev/null
expect 20 "backend 4/4 through the watch" rows_show "^backend +4/4 "
ok "kubectl scale seen through the watch in $(elapsed_since "$t0")s"

# kubectl set image: the new ReplicaSet the controller creates shows up.
cmd "rs staging"
wait_screen 30 "replicasets"
expect 20 "backend's ReplicaSet listed" rows_show "^backend-[a-z0-9]+ +4 "
t0=$(date +%s.%N)
k -n staging set image deploy/backend backend=example.com/quiz-backend:v9 >/dev/null
new_rs() {
	k -n staging get rs -l app=backend -o json | jq -r '.items[] |
		select(.spec.template.spec.containers[0].image == "example.com/quiz-backend:v9") |
		.metadata.name'
}
rs_made() { [ -n "$(new_rs)" ]; }
wait_for 30 rs_made || true
rs=$(new_rs)
[ -n "$rs" ] || fail "the controller made no ReplicaSet for the new image"
expect 20 "the new ReplicaSet $rs through the watch" rows_show "^$rs +4 +4 "
ok "kubectl set image seen through the watch ($rs, 4/4) in $(elapsed_since "$t0")s"

# The actions, on staging/backend.
cmd "deploy staging"
wait_screen 30 "deployments"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
expect 20 "backend selected" rows_show "^backend +4/4 " "^frontend "

# undo: back to the image before set image
key u
wait_screen 30 "undo: 1 target (dry run passed)"
wait_screen 10 "rollback to revision 1: backend=example.com/quiz-backend:v9 →"
dry_seen patch deployments backend || fail "no dry-run PATCH of the undo reached the server"
key y
wait_screen 60 "undo $ctx staging/backend: done"
img=$(field staging deploy/backend '{.spec.template.spec.containers[0].image}')
[ "$img" = 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/quiz-backend:v2.4.0 ] ||
	fail "undo left image $img"
audited undo backend || fail "undo not in the audit log"
ok "undo: server dry run, preview, audited; kubectl reads the old image back"

# scale through the console
key s
wait_screen 10 "replicas"
key C-u
keys 3; key Enter
wait_screen 30 "scale: 1 target (dry run passed)"
wait_screen 10 "replicas 4 → 3"
[ "$(field staging deploy/backend '{.spec.replicas}')" = 4 ] || fail "the scale's dry run changed replicas"
key y
wait_screen 60 "scale $ctx staging/backend"
scaled() { [ "$(field staging deploy/backend '{.spec.replicas}')" = 3 ]; }
wait_for 30 scaled || fail "replicas not 3 after the console's scale"
ops_seen 'select(.objectRef.subresource == "scale" and (.requestURI | contains("dryRun=All")))' ||
	fail "no dry-run scale reached the server"
audited scale backend || fail "scale not in the audit log"
expect 30 "backend 3/3 on screen" rows_show "^backend +3/3 "
ok "scale 4 → 3: server dry run, preview, audited; kubectl reads 3"

# restart
key r
wait_screen 30 "restart: 1 target (dry run passed)"
wait_screen 10 "restart every pod"
[ -z "$(field staging deploy/backend '{.spec.template.metadata.annotations}')" ] ||
	fail "the restart's dry run changed the pod template"
key y
wait_screen 60 "restart $ctx staging/backend: done"
[ -n "$(field staging deploy/backend '{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')" ] ||
	fail "no restartedAt on the pod template after restart"
audited restart backend || fail "restart not in the audit log"
ok "restart: server dry run, preview, audited; kubectl reads restartedAt"

# pause, resume
cmd pause
wait_screen 30 "pause: 1 target (dry run passed)"
wait_screen 10 "pause the rollout"
[ -z "$(field staging deploy/backend '{.spec.paused}')" ] || fail "the pause's dry run paused"
key y
wait_screen 30 "pause $ctx staging/backend: done"
[ "$(field staging deploy/backend '{.spec.paused}')" = true ] || fail "not paused"
cmd resume
wait_screen 30 "resume: 1 target (dry run passed)"
wait_screen 10 "resume the rollout"
[ "$(field staging deploy/backend '{.spec.paused}')" = true ] || fail "the resume's dry run resumed"
key y
wait_screen 60 "resume $ctx staging/backend: done"
[ -z "$(field staging deploy/backend '{.spec.paused}')" ] || fail "still paused after resume"
audited pause backend && audited resume backend || fail "pause/resume not in the audit log"
ok "pause and resume: server dry runs, previews, audited; kubectl reads spec.paused"

# delete pod: the dry run must leave the pod alone (a real API server reads
# a DELETE's options from its body, ignoring ?dryRun=All)
key Escape
cmd "pods staging"
wait_screen 30 "pods"
pod=$(k -n staging get pods -l app=frontend -o jsonpath='{.items[0].metadata.name}')
keys "/$pod"; key Enter
wait_screen 10 "filter:/$pod/"
expect 20 "$pod listed" rows_show "^$pod +1/1 "
key C-d
wait_screen 30 "delete: 1 target (dry run passed)"
wait_screen 10 "staging/$pod delete pod"
dry_seen delete pods "$pod" || fail "no dry-run DELETE reached the server"
sleep 2
k -n staging get pod "$pod" -o jsonpath='{.metadata.deletionTimestamp}' >"$T/dts" 2>&1 ||
	fail "the delete's dry run deleted $pod: $(cat "$T/dts")"
[ ! -s "$T/dts" ] || fail "the delete's dry run set a deletionTimestamp on $pod"
key y
wait_screen 60 "delete $ctx staging/$pod: done"
gone() { ! k -n staging get pod "$pod" >/dev/null 2>&1; }
wait_for 30 gone || fail "$pod still there after the console's delete"
audited delete "$pod" || fail "delete not in the audit log"
ok "delete pod: the dry run left $pod alone; after y kubectl no longer finds it; audited"

# CronJob run-now
key Escape
cmd "cronjobs production"
wait_screen 30 "cronjobs"
expect 20 "backup listed" rows_show "^backup +0 \\* \\* \\* \\* "
jobs() { k -n production get jobs -o json | jq -r '.items[] |
	select(.metadata.ownerReferences[0].name == "backup") | .metadata.name'; }
[ -z "$(jobs)" ] || fail "a backup job exists before run-now"
cmd run-now
wait_screen 30 "run-now: 1 target (dry run passed)"
ops_seen 'select(.verb == "create" and .objectRef.resource == "jobs" and (.requestURI | contains("dryRun=All")))' ||
	fail "no dry-run Job create reached the server"
[ -z "$(jobs)" ] || fail "run-now's dry run created a job"
key y
wait_screen 60 "run-now $ctx production/backup"
have_job() { [ -n "$(jobs)" ]; }
wait_for 30 have_job || fail "no Job from the backup CronJob after run-now"
audited run-now backup || fail "run-now not in the audit log"
ok "run-now: server dry run, preview, audited; kubectl lists Job $(jobs)"
quit_console
tm kill-server 2>/dev/null || true
audit_check_intents undo
audit_check_intents delete

# The viewer: the real RBAC refuses before any prompt; nothing is sent.
start_console --kubeconfig "$KUBECONFIG" --context "$ctx-viewer"
wait_screen 60 "$ctx-viewer live"
cmd "deploy staging"
wait_screen 30 "deployments"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
expect 20 "backend selected" rows_show "^backend +3/3 "
key s
wait_screen 30 "forbidden by RBAC: realk8s-viewer may not patch deployments/scale in staging"
! screen | grep -q "replicas:" || fail "a prompt was shown to the viewer"
ops_seen 'select(.user.username == "opsdeck-viewer" and .objectRef.resource == "selfsubjectaccessreviews")' ||
	fail "no SelfSubjectAccessReview as the viewer reached the server"
! ops_seen 'select(.user.username == "opsdeck-viewer" and .verb == "patch")' ||
	fail "a patch as the viewer reached the server"
[ "$(field staging deploy/backend '{.spec.replicas}')" = 3 ] || fail "the viewer's scale changed replicas"
ok "viewer: the real SelfSubjectAccessReview refuses the scale before any prompt; nothing sent"
quit_console
