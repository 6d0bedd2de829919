#!/usr/bin/env bash
# The drill writes its kubeconfig once its controllers have made the
# estate's pods (a pass that made none, or 3 s at most): kubectl listing
# every context the moment the kubeconfig appears sees nearly every pod it
# sees three seconds later (before, the kubeconfig came before the first
# controller pass and the same listing found none). And a drill stopped
# while it still generates a large estate ends there, without writing a
# kubeconfig (it used to finish, start serving, and only then stop).
. "$(dirname "$0")/../lib/common.sh"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"
command -v jq >/dev/null || skip "jq is not installed"

scenario=estate
[ -f "$TESTS_DIR/../drill/scenarios/estate.yaml" ] || scenario=$TESTS_DIR/data/mini-estate.json
# started here, not by start_drill: the kubeconfig is looked for every
# 10 ms, and the first listing is opsdeck's own (a C client that answers in
# a few milliseconds; kubectl takes longer to start than the drill to tick)
export KUBECONFIG=$T/drill.kubeconfig
"$OPSDECK" drill serve "$scenario" --kubeconfig-out "$KUBECONFIG" \
	--port-base "$(free_port_base)" >"$T/drill.log" 2>&1 &
_cleanup_pids+=("$!")
for _ in $(seq 1 3000); do [ -s "$KUBECONFIG" ] && break; sleep 0.01; done
[ -s "$KUBECONFIG" ] || { cat "$T/drill.log" >&2; fail "drill did not start"; }
ctxs=$(kubectl config get-contexts -o name | grep -v @ | paste -sd, -)
first=$("$OPSDECK" get pods -A --context "$ctxs" -o json 2>"$T/err" | jq length)
sleep 3

# pods: how many pods real kubectl lists over every context of the drill.
pods() {
	local ctx n=0 c
	for ctx in ${ctxs//,/ }; do
		c=$(kubectl --context "$ctx" get pods -A -o name 2>>"$T/err" | wc -l)
		n=$((n + c))
	done
	echo "$n"
}
later=$(pods)
echo "pods listed at once: $first; three seconds later (kubectl): $later"
[ "$later" -gt 0 ] || { cat "$T/err" >&2; fail "the estate has no pods"; }
[ "$first" -gt 0 ] || { cat "$T/err" >&2; fail "no pod listed when the kubeconfig appeared"; }
[ $((first * 10)) -ge $((later * 9)) ] ||
	fail "only $first of $later pods listed when the kubeconfig appeared"
ok "the estate's pods are there when the kubeconfig is"

# SIGTERM half a second into generating 60,000 pods (seconds of work)
"$OPSDECK" drill serve --generate clusters=4,pods=15000 --kubeconfig-out "$T/big.kubeconfig" \
	--port-base "$(free_port_base)" >"$T/big.log" 2>&1 &
big=$!
_cleanup_pids+=("$big")
sleep 0.5
kill -TERM "$big"
rc=0
wait "$big" || rc=$?
[ ! -e "$T/big.kubeconfig" ] || fail "the drill stopped while generating wrote a kubeconfig"
[ "$rc" -eq 143 ] || fail "the drill stopped while generating exited $rc, not by SIGTERM (143)"
ok "a drill stopped while it generates ends there"
