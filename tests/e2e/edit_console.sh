#!/usr/bin/env bash
# `e` on a deployment opens $EDITOR on its YAML (a script here, driven by
# a mode file): a change is dry-run, shown as a diff, confirmed and made
# (kubectl sees it, the audit log has it, the kept text is removed); a
# change kubectl makes while the editor is open (409 Conflict) re-opens the
# editor on the server's version with the user's change made again, and both
# end up on the server; invalid YAML re-opens the editor with the error on
# top and the corrected text applies; a text left invalid is kept in
# $XDG_STATE_HOME/opsdeck/edits/ and nothing changes, as after a cancelled
# confirmation. The help lists e.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v jq >/dev/null || skip "jq missing"

start_drill estate
k() { kubectl --context staging --request-timeout=30s "$@"; }
replicas() { k get deploy backend -n staging -o jsonpath='{.spec.replicas}'; }
audit=$XDG_STATE_HOME/opsdeck/audit.jsonl
edits=$XDG_STATE_HOME/opsdeck/edits
wait_for 60 k get deploy backend -n staging || fail "no staging backend"

# The editor: each run is counted and its file copied (seen.N) before the
# mode acts on it.
cat >"$T/ed.sh" <<'SH'
#!/bin/sh
set -e
d=$(dirname "$0")
n=$(( $(cat "$d/ed.count" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$d/ed.count"
cp "$1" "$d/seen.$n"
set_replicas() { sed -i "/^spec:/,/^[a-z]/ s/^  replicas: [0-9]*/  replicas: $1/" "$2"; }
case "$(cat "$d/ed.mode"):$n" in
change:1) set_replicas 4 "$1" ;;
cancel:1) set_replicas 7 "$1" ;;
conflict:1)
	# kubectl changes the object while the editor is open
	kubectl --kubeconfig "$KUBECONFIG" --context staging -n staging \
		annotate deploy backend team.example/owner=payments >/dev/null
	set_replicas 5 "$1" ;;
conflict:*) ;;		# saved as shown: the change made again
invalid:1|giveup:1)
	cp "$1" "$d/orig.yaml"
	printf 'spec: [unclosed\n  replicas: 2\n' >"$1" ;;
invalid:2)
	cp "$d/orig.yaml" "$1"
	set_replicas 2 "$1" ;;
giveup:*) ;;		# left as it is after the error
esac
SH
chmod +x "$T/ed.sh"
mode() { echo "$1" >"$T/ed.mode"; rm -f "$T/ed.count" "$T"/seen.*; }
# confirm_done: y until the edit is done (a controller's status write
# between the dry run and the update is a conflict: the diff is shown again)
confirm_done() {
	local try
	for try in 1 2 3 4 5; do
		keys y
		wait_for 15 line_matches_any "edit staging staging/backend: done" && return 0
		line_matches_any "dry run passed" || break
	done
	screen >&2
	fail "the edit was never done"
}

CONSOLE_ENV="EDITOR=$T/ed.sh VISUAL= KUBECONFIG=$KUBECONFIG" \
	start_console --kubeconfig "$KUBECONFIG" --context staging
wait_screen 60 "staging"
# the help lists the key among the actions
key "?"
wait_screen 10 "e edit"
key Escape
wait_gone 10 "e edit"
cmd "deployments @staging staging"
wait_screen 30 "backend"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
expect 30 "the backend row" rows_show "(^| )backend +[0-9]+/[0-9]+ "

# 1. A change: dry run, diff, confirm, made.
mode change
before=$(replicas)
[ "$before" != 4 ] || fail "backend already has 4 replicas"
key e
wait_screen 30 "dry run passed"
wait_screen 5 "+   replicas: 4"
[ "$(replicas)" = "$before" ] || fail "changed before the confirmation"
grep -q "^  replicas: $before" "$T/seen.1" || fail "the editor did not get the object's YAML"
! grep -q managedFields "$T/seen.1" || fail "managedFields shown to the editor"
grep -q "^# .*$edits/" "$T/seen.1" || fail "the file does not say where it is kept"
confirm_done
[ "$(replicas)" = 4 ] || fail "replicas $(replicas) after the edit, want 4"
wait_screen 5 "backend"
jq -e 'select(.verb == "edit" and .outcome == "ok" and .target.name == "backend")' "$audit" >/dev/null ||
	fail "no audit record of the edit"
[ -z "$(ls -A "$edits")" ] || fail "the text was kept after it applied: $(ls "$edits")"
ok "e: a change is dry-run, shown, confirmed and made; audited; its text removed"

# 2. A conflict: kubectl annotates while the editor is open.
mode conflict
key e
wait_screen 60 "dry run passed"
[ "$(cat "$T/ed.count")" -ge 2 ] || fail "the editor ran once: not re-opened after the conflict"
grep -q "conflict" "$T/seen.2" || fail "the re-opened text does not name the conflict"
grep -q "team.example/owner" "$T/seen.2" || fail "the re-opened text is not the server's version"
sed -n '/^spec:/,/^[a-z]/p' "$T/seen.2" | grep -q "^  replicas: 5" || fail "the user's change was lost in the re-opened text"
confirm_done
[ "$(replicas)" = 5 ] || fail "replicas $(replicas) after the conflict, want 5"
[ "$(k get deploy backend -n staging -o jsonpath='{.metadata.annotations.team\.example/owner}')" = payments ] ||
	fail "kubectl's annotation was lost"
ok "a conflict made by kubectl re-opens the editor with both changes; both applied"

# 3. Invalid YAML: re-opened with the error on top, the correction applies.
mode invalid
key e
wait_screen 60 "dry run passed"
grep -q "^# error: " "$T/seen.2" || fail "no error on top of the re-opened text"
grep -q "unclosed" "$T/seen.2" || fail "the user's invalid text was not kept"
confirm_done
[ "$(replicas)" = 2 ] || fail "replicas $(replicas) after the corrected edit, want 2"
ok "invalid YAML re-opens the editor with the error; the correction applies"

# 4. Left invalid: nothing changes, the text is kept.
mode giveup
key e
wait_screen 60 "the text is kept in"
[ "$(replicas)" = 2 ] || fail "a text left invalid changed the deployment"
kept=$(ls "$edits")
[ -n "$kept" ] || fail "nothing kept in $edits"
grep -q "unclosed" "$edits"/* || fail "the kept file lacks the user's text"
jq -e 'select(.verb == "edit" and .outcome == "failed")' "$audit" >/dev/null ||
	fail "the failed edit was not audited"
ok "a text left invalid is kept ($kept) and nothing changes"

# 5. Not confirmed: nothing changes, the text is kept and the message says where.
mode cancel
key e
wait_screen 60 "dry run passed"
key n
wait_screen 10 "edit: cancelled (not confirmed); the text is kept in"
[ "$(replicas)" = 2 ] || fail "a cancelled edit changed the deployment"
grep -l "^  replicas: 7" "$edits"/* >/dev/null || fail "the cancelled text was not kept"
ok "a cancelled edit changes nothing and keeps its text"
quit_console
