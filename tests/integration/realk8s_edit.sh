#!/usr/bin/env bash
# Edit's requests against a real API server (kube-apiserver v1.34) and the
# drill, side by side: a PUT with ?dryRun=All answers the changed object and
# stores nothing; a PUT (dry run or not) naming a stale resourceVersion is a
# 409 whose Status body is the same from both. Then `opsdeck edit` end to
# end on the real server: a change kubectl makes while the editor is open
# is a conflict, the editor opens again on the server's version with the
# user's change made again, and both end up stored.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"
command -v curl >/dev/null || skip "curl missing"

realk8s_up real-tokyo
real_kc=$KUBECONFIG
start_drill estate
drill_kc=$KUBECONFIG

# proxy NAME KUBECONFIG CONTEXT: kubectl proxy to that server; its URL in
# $T/NAME.url.
proxy() {
	"$RK_KUBECTL" --kubeconfig "$2" --context "$3" proxy --port=0 >"$T/$1.proxy" 2>&1 &
	_cleanup_pids+=("$!")
	wait_for 20 grep -q "Starting to serve on" "$T/$1.proxy" || fail "$1: kubectl proxy did not start"
	echo "http://$(sed -n 's/^Starting to serve on //p' "$T/$1.proxy")" >"$T/$1.url"
}
proxy real "$real_kc" real-tokyo
proxy drill "$drill_kc" staging

path=/api/v1/namespaces/default/configmaps/edit-probe
for s in real drill; do
	url=$(cat "$T/$s.url")
	if [ $s = real ]; then kcs=("$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo)
	else kcs=("$RK_KUBECTL" --kubeconfig "$drill_kc" --context staging); fi
	wait_for 60 "${kcs[@]}" -n default create configmap edit-probe --from-literal=a=1 ||
		fail "$s: cannot create the configmap"
	curl -sf "$url$path" >"$T/$s.obj" || fail "$s: GET failed"
	rv=$(jq -r .metadata.resourceVersion "$T/$s.obj")
	jq '.data.a = "2"' "$T/$s.obj" >"$T/$s.put"
	code=$(curl -s -o "$T/$s.dry" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
		--data-binary @"$T/$s.put" "$url$path?dryRun=All")
	[ "$code" = 200 ] || { cat "$T/$s.dry" >&2; fail "$s: dry-run PUT answered $code"; }
	[ "$(jq -r .data.a "$T/$s.dry")" = 2 ] || fail "$s: the dry run did not answer the changed object"
	curl -sf "$url$path" >"$T/$s.after"
	[ "$(jq -r .data.a "$T/$s.after")" = 1 ] || fail "$s: the dry run stored the change"
	[ "$(jq -r .metadata.resourceVersion "$T/$s.after")" = "$rv" ] || fail "$s: the dry run moved the resourceVersion"
	"${kcs[@]}" -n default patch configmap edit-probe -p '{"data":{"b":"x"}}' >/dev/null
	for q in "?dryRun=All" ""; do
		code=$(curl -s -o "$T/$s.409$q" -w '%{http_code}' -X PUT \
			-H 'Content-Type: application/json' --data-binary @"$T/$s.put" "$url$path$q")
		[ "$code" = 409 ] || { cat "$T/$s.409$q" >&2; fail "$s: stale PUT$q answered $code"; }
	done
	[ "$(curl -sf "$url$path" | jq -r .data.a)" = 1 ] || fail "$s: the stale PUT stored the change"
	ok "$s: dry-run PUT stores nothing; a stale resourceVersion is 409 (dry run too)"
done
for q in "?dryRun=All" ""; do
	diff <(jq -S . "$T/real.409$q") <(jq -S . "$T/drill.409$q") >&2 ||
		fail "the drill's 409 body$q differs from the API server's"
done
jq -e '.kind == "Status" and .reason == "Conflict" and .code == 409' "$T/real.409" >/dev/null ||
	fail "the real 409 is not a Conflict Status"
ok "the drill's 409 Status bodies are the API server's: $(jq -c . "$T/real.409")"

# opsdeck edit on the real server: kubectl changes the object meanwhile.
cat >"$T/ed.sh" <<SH
#!/bin/sh
n=\$(( \$(cat "$T/ed.count" 2>/dev/null || echo 0) + 1 )); echo \$n >"$T/ed.count"
cp "\$1" "$T/seen.\$n"
[ \$n = 1 ] || exit 0
"$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo -n default \
	annotate configmap edit-probe team.example/owner=payments >/dev/null
sed -i 's/^  a: .*/  a: edited/' "\$1"
SH
chmod +x "$T/ed.sh"
out=$(EDITOR=$T/ed.sh VISUAL= "$OPSDECK" edit configmap/edit-probe -n default --context real-tokyo \
	--kubeconfig "$real_kc" --yes 2>&1) || { echo "$out" >&2; fail "opsdeck edit failed"; }
echo "$out"
[ "$(cat "$T/ed.count")" -ge 2 ] || fail "the editor was not opened again after the conflict"
grep -q "conflict" "$T/seen.2" || fail "the re-opened text does not name the conflict"
obj=$("$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo -n default get configmap edit-probe -o json)
[ "$(echo "$obj" | jq -r .data.a)" = edited ] || fail "the user's change is not stored"
[ "$(echo "$obj" | jq -r '.metadata.annotations["team.example/owner"]')" = payments ] ||
	fail "kubectl's change was lost"
jq -e 'select(.verb == "edit" and .outcome == "ok" and .context == "real-tokyo")' \
	"$XDG_STATE_HOME/opsdeck/audit.jsonl" >/dev/null || fail "the update was not audited"
[ -z "$(ls -A "$XDG_STATE_HOME/opsdeck/edits")" ] || fail "the text was kept after it applied"
ok "opsdeck edit on the API server: a conflict re-opens the editor; both changes stored"

# The viewer (bound to "view") may read the object but not update it: the
# RBAC check refuses before the editor opens, and nothing changes.
rm -f "$T/ed.count"
if EDITOR=$T/ed.sh VISUAL= "$OPSDECK" edit configmap/edit-probe -n default \
	--context real-tokyo-viewer --kubeconfig "$real_kc" --yes >"$T/viewer.out" 2>&1; then
	cat "$T/viewer.out" >&2; fail "the viewer's edit succeeded"
fi
grep -q "forbidden by RBAC" "$T/viewer.out" || { cat "$T/viewer.out" >&2; fail "the viewer's edit was not refused by RBAC"; }
[ ! -e "$T/ed.count" ] || fail "the editor opened for a user who may not update"
ok "the viewer's edit is refused by RBAC before the editor opens: $(grep -o 'forbidden by RBAC.*' "$T/viewer.out" | head -1)"
