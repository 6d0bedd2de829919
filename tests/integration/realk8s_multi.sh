#!/usr/bin/env bash
# Three clusters at once: two real control planes (tests/realk8s/, one etcd,
# two API servers) and a drill's staging cluster, in one kubeconfig list.
# - `opsdeck get pods -A` and `get deployments -A` over the three contexts
#   label each row with its cluster, and each cluster's rows are the ones
#   kubectl lists on that context (namespace/name), none missing or twice;
# - a change on one real cluster shows in its rows only.
. "$(dirname "$0")/../lib/realk8s.sh"

start_drill estate
drill_kc=$KUBECONFIG
realk8s_up real-tokyo real-osaka
real_kc=$KUBECONFIG
wait_for 240 rk_settled real-tokyo && wait_for 240 rk_settled real-osaka ||
	{ kc get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
export KUBECONFIG=$real_kc:$drill_kc
ctxs=real-tokyo,real-osaka,staging
K=$RK_KUBECTL

# rows_of KIND CTX: kubectl's namespace/name rows on one context
rows_of() { "$K" --context "$2" get "$1" -A --no-headers | awk '{ print $1 "/" $2 }' | sort; }
# opsdeck_rows KIND CTX: opsdeck's rows labelled CTX, from FILE $T/o.out
opsdeck_rows() { awk -v c="$2" 'NR > 1 && $1 == c { print $2 "/" $3 }' "$T/o.out" | sort; }

check() {
	local kind=$1 c try
	for try in 1 2 3 4 5; do
		"$OPSDECK" get "$kind" -A --context "$ctxs" >"$T/o.out" 2>"$T/o.err" ||
			{ cat "$T/o.err" >&2; fail "opsdeck get $kind -A --context $ctxs failed"; }
		local bad=""
		for c in ${ctxs//,/ }; do
			rows_of "$kind" "$c" >"$T/k.$c"
			opsdeck_rows "$kind" "$c" >"$T/o.$c"
			[ -s "$T/k.$c" ] || fail "kubectl lists no $kind on $c"
			cmp -s "$T/k.$c" "$T/o.$c" || bad="$bad $c"
		done
		[ -n "$bad" ] || break
		sleep 1
	done
	for c in $bad; do diff -u "$T/k.$c" "$T/o.$c" >&2 || true; done
	[ -z "$bad" ] || fail "$kind: opsdeck's rows differ from kubectl's on:$bad"
	awk 'NR > 1 { print $1 }' "$T/o.out" | sort -u | tr '\n' ' ' | grep -qx 'real-osaka real-tokyo staging ' ||
		fail "$kind: rows not labelled with the three clusters"
	[ -z "$(awk 'NR > 1 { print $1, $2, $3 }' "$T/o.out" | sort | uniq -d)" ] || fail "$kind: a row twice"
}
check pods
ok "get pods -A over two real clusters and a drill: each cluster's rows are kubectl's ($(($(wc -l <"$T/o.out") - 1)) rows)"
check deployments
ok "get deployments -A over the three: each cluster's rows are kubectl's"

"$K" --context real-osaka -n staging create deploy only-osaka --image=example.com/x:1 >/dev/null
check deployments
grep -q '^real-osaka  *staging  *only-osaka ' "$T/o.out" || fail "only-osaka not listed on real-osaka"
! grep -q '^real-tokyo  *staging  *only-osaka ' "$T/o.out" || fail "only-osaka listed on real-tokyo"
ok "a deployment made on real-osaka is listed there only"
