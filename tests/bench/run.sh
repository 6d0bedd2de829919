#!/usr/bin/env bash
# make bench: `opsdeck get pods -A --all-contexts -o json` over a generated
# estate (4 clusters x 10000 pods by default) against a baseline in the
# same invocation: kubectl get pods -A -o json, one context after another
# (what a script without opsdeck does). Prints wall time and peak RSS of
# each and their ratios. Figures only; nothing here passes or fails on them.
set -euo pipefail
: "${OPSDECK:?OPSDECK must point at the built binary}"
CLUSTERS=${BENCH_CLUSTERS:-4}
PODS=${BENCH_PODS:-10000}
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-bench.XXXXXX")
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
drill=
cleanup() { [ -n "$drill" ] && kill "$drill" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import random; print(random.randrange(20000, 60000, 16))')
export KUBECONFIG=$T/kubeconfig
"$OPSDECK" drill serve --generate "clusters=$CLUSTERS,pods=$PODS" \
	--kubeconfig-out "$KUBECONFIG" --port-base "$port" >"$T/drill.log" 2>&1 &
drill=$!
for _ in $(seq 1 300); do [ -s "$KUBECONFIG" ] && break; sleep 0.2; done
[ -s "$KUBECONFIG" ] || { cat "$T/drill.log"; echo "bench: drill did not start" >&2; exit 1; }
mapfile -t contexts < <("$KUBECTL" config get-contexts -o name)

# measure NAME CMD...: run under /usr/bin/time; sets secs and kb.
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %M' -o "$T/time.$name" "$@" >"$T/out.$name" 2>"$T/err.$name" ||
		{ cat "$T/err.$name" >&2; echo "bench: $name failed" >&2; exit 1; }
	read -r secs kb <"$T/time.$name"
}

# warm the drill (first requests build its caches)
"$OPSDECK" get pods -A --all-contexts -o json >/dev/null

measure opsdeck "$OPSDECK" get pods -A --all-contexts -o json
o_secs=$secs o_kb=$kb
o_rows=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out.opsdeck")

cat >"$T/kubectl-all.sh" <<EOS
#!/bin/sh
for c in ${contexts[*]}; do "$KUBECTL" get pods -A -o json --context "\$c" || exit 1; done
EOS
chmod +x "$T/kubectl-all.sh"
# peak RSS of the baseline: the largest single kubectl (they run one by one)
k_secs=0 k_kb=0
measure kubectl "$T/kubectl-all.sh"
k_secs=$secs
for c in "${contexts[@]}"; do
	measure "k1" "$KUBECTL" get pods -A -o json --context "$c"
	[ "$kb" -gt "$k_kb" ] && k_kb=$kb
done
k_rows=$(grep -c '"kind": "Pod"' "$T/out.kubectl" || true)

printf 'estate: %d clusters x %d pods\n' "$CLUSTERS" "$PODS"
printf '%-42s %8s %10s %8s\n' "" "wall s" "peak RSS" "rows"
printf '%-42s %8.2f %8d KB %8s\n' "opsdeck get pods -A --all-contexts -o json" "$o_secs" "$o_kb" "$o_rows"
printf '%-42s %8.2f %8d KB %8s\n' "kubectl get pods -A -o json (per context)" "$k_secs" "$k_kb" "$k_rows"
/usr/bin/python3 - "$o_secs" "$k_secs" "$o_kb" "$k_kb" <<'PY'
import sys
o_s, k_s, o_kb, k_kb = map(float, sys.argv[1:])
print("ratio opsdeck/kubectl: wall %.2fx, peak RSS %.2fx" % (o_s / k_s if k_s else 0, o_kb / k_kb if k_kb else 0))
PY
