#!/usr/bin/env bash
# make bench: `opsdeck get pods -A -o json` on every cluster of a generated
# estate (4 clusters x 10000 pods by default) against a baseline in the
# same invocation: kubectl get pods -A -o json, one context after another
# (what a script without opsdeck does). Prints wall time, client CPU time
# (user+sys; the drill's own time is not in it) and peak RSS of each, and
# their ratios. Peak RSS of the baseline is its largest single kubectl. Figures only; nothing here passes or fails on them.
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

# a base port with 16 free ports above it
port=$(/usr/bin/python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 60000, 16)
    try:
        for p in range(base, base + 16):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            s.close()
    except OSError:
        continue
    print(base)
    break
PY
)
export KUBECONFIG=$T/kubeconfig
"$OPSDECK" drill serve --generate "clusters=$CLUSTERS,pods=$PODS" \
	--kubeconfig-out "$KUBECONFIG" --port-base "$port" >"$T/drill.log" 2>&1 &
drill=$!
for _ in $(seq 1 300); do [ -s "$KUBECONFIG" ] && break; sleep 0.2; done
[ -s "$KUBECONFIG" ] || { cat "$T/drill.log"; echo "bench: drill did not start" >&2; exit 1; }
# one context per cluster (the drill also writes viewer@ and exec@ ones)
mapfile -t contexts < <("$KUBECTL" config get-contexts -o name | grep -v @)
ctxlist=$(IFS=,; echo "${contexts[*]}")

# measure NAME CMD...: run under /usr/bin/time; sets secs, cpu and kb.
measure() {
	local name=$1 u s; shift
	/usr/bin/time -f '%e %M %U %S' -o "$T/time.$name" "$@" >"$T/out.$name" 2>"$T/err.$name" ||
		{ cat "$T/err.$name" >&2; echo "bench: $name failed" >&2; exit 1; }
	read -r secs kb u s <"$T/time.$name"
	cpu=$(/usr/bin/python3 -c "print(round($u + $s, 2))")
}

# wait until the drill's controllers have created every pod (this also
# warms the drill)
want=$((CLUSTERS * PODS)) have=0
for _ in $(seq 1 600); do
	have=$("$OPSDECK" get pods -A --context "$ctxlist" -o json |
		/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$have" -ge "$want" ] && break
	sleep 1
done
[ "$have" -ge "$want" ] || { echo "bench: only $have of $want pods appeared" >&2; exit 1; }

measure opsdeck "$OPSDECK" get pods -A --context "$ctxlist" -o json
o_secs=$secs o_kb=$kb o_cpu=$cpu
o_rows=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out.opsdeck")

cat >"$T/kubectl-all.sh" <<EOS
#!/bin/sh
for c in ${contexts[*]}; do "$KUBECTL" get pods -A -o json --context "\$c" || exit 1; done
EOS
chmod +x "$T/kubectl-all.sh"
# peak RSS of the baseline: the largest single kubectl (they run one by one)
k_secs=0 k_kb=0
measure kubectl "$T/kubectl-all.sh"
k_secs=$secs k_cpu=$cpu
for c in "${contexts[@]}"; do
	measure "k1" "$KUBECTL" get pods -A -o json --context "$c"
	[ "$kb" -gt "$k_kb" ] && k_kb=$kb
done
k_rows=$(grep -c '"kind": "Pod"' "$T/out.kubectl" || true)

printf 'estate: %d clusters x %d pods\n' "$CLUSTERS" "$PODS"
printf '%-44s %8s %8s %12s %8s\n' "" "wall s" "CPU s" "peak RSS" "rows"
printf '%-44s %8.2f %8.2f %9d KB %8s\n' "opsdeck get pods -A --context (all) -o json" "$o_secs" "$o_cpu" "$o_kb" "$o_rows"
printf '%-44s %8.2f %8.2f %9d KB %8s\n' "kubectl get pods -A -o json (each context)" "$k_secs" "$k_cpu" "$k_kb" "$k_rows"
/usr/bin/python3 - "$o_secs" "$k_secs" "$o_cpu" "$k_cpu" "$o_kb" "$k_kb" <<'PY'
import sys
o_s, k_s, o_c, k_c, o_kb, k_kb = map(float, sys.argv[1:])
r = lambda a, b: a / b if b else 0
print("ratio opsdeck/kubectl: wall %.2fx, client CPU %.2fx, peak RSS %.2fx"
      % (r(o_s, k_s), r(o_c, k_c), r(o_kb, k_kb)))
PY
