#!/usr/bin/env bash
# make bench: one invocation measures opsdeck on a generated estate
# (BENCH_CLUSTERS x BENCH_PODS, 3 x 5000 by default: a few minutes, most of
# them kubectl's; the issue's scale is 10 x 15000) served by the drill on
# this machine, and prints a table with ratios; it also writes
# tests/bench/results.md (RESULTS=FILE to write elsewhere).
#
#   console  launch to the first row, to every list complete, to all rows
#            drawn (the console's --bench-log); its peak RSS; key to frame
#            latency percentiles for j/k and G/g typed through tmux, then j/k
#            again while the drill is asked to churn BENCH_CHURN (2500) watch
#            events a second across the estate (the rate reached is measured from the
#            clusters' resourceVersions), from the key's read and from its
#            send-keys (the wait before the read counted); idle CPU and the bytes it writes
#            to the terminal per second when idle (over BENCH_IDLE, 45 s);
#            the bytes written for one row change (one visible pod's
#            restart count, patched with kubectl)
#   get      opsdeck get pods -A over every context at once vs kubectl get
#            pods -A one context after another (what a script without
#            opsdeck does), table and -o json: wall, client CPU (user+sys;
#            the drill's time is not in it), peak RSS (kubectl: its largest
#            single run)
#   decode   the client's list decoder (rows kept, as the console keeps
#            them) vs json_loadb on the same captured pages, MB/s of CPU time
#   drill    the simulator's peak RSS, and per pod
#
# Figures only: nothing here passes or fails on them. Wall times on a
# shared machine swing with its load; CPU times and RSS much less.
set -euo pipefail
: "${OPSDECK:?OPSDECK must point at the built binary}"
: "${DECODE:?DECODE must point at the decode program (make bench builds it)}"
CLUSTERS=${BENCH_CLUSTERS:-3}
PODS=${BENCH_PODS:-5000}
KEYS=${BENCH_KEYS:-60}
CHURN=${BENCH_CHURN:-2500}
IDLE=${BENCH_IDLE:-45}
KUBECTL=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[ -x "$KUBECTL" ] || KUBECTL=$(command -v kubectl)
RESULTS=${RESULTS:-$(cd "$(dirname "$0")" && pwd)/results.md}
T=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-bench.XXXXXX")
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state
mkdir -p "$HOME" "$XDG_CONFIG_HOME/opsdeck"
TM="tmux -L opsdeck-bench-$$"
drill=
cleanup() {
	$TM kill-server 2>/dev/null || true
	[ -n "$drill" ] && kill "$drill" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
py() { /usr/bin/python3 "$@"; }

# a base port with 16 free ports above it
port=$(py - <<'PY'
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
for _ in $(seq 1 600); do [ -s "$KUBECONFIG" ] && break; sleep 0.2; done
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
	cpu=$(py -c "print(round($u + $s, 2))")
}

# kubectl_each NAME ARGS...: kubectl ARGS on each context in turn; sets
# secs and cpu (sums), kb (the largest) and rows (lines or Pod objects).
kubectl_each() {
	local name=$1 c ts=0 tc=0 tk=0; shift
	: >"$T/out.$name.all"
	for c in "${contexts[@]}"; do
		measure "$name" "$KUBECTL" "$@" --context "$c"
		cat "$T/out.$name" >>"$T/out.$name.all"
		ts=$(py -c "print($ts + $secs)")
		tc=$(py -c "print($tc + $cpu)")
		[ "$kb" -gt "$tk" ] && tk=$kb
	done
	secs=$ts cpu=$tc kb=$tk
}

# wait until the drill's controllers have created every pod (this also
# warms the drill)
want=$((CLUSTERS * PODS)) have=0
for _ in $(seq 1 600); do
	have=$("$OPSDECK" get pods -A --context "$ctxlist" | wc -l)
	have=$((have - 1))	# the header
	[ "$have" -ge "$want" ] && break
	sleep 1
done
[ "$have" -ge "$want" ] || { echo "bench: only $have of $want pods appeared" >&2; exit 1; }

# -- get vs kubectl ----------------------------------------------------------
measure ot "$OPSDECK" get pods -A --context "$ctxlist"
ot=("$secs" "$cpu" "$kb" "$(($(wc -l <"$T/out.ot") - 1))")
measure oj "$OPSDECK" get pods -A --context "$ctxlist" -o json
oj=("$secs" "$cpu" "$kb" "$(py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/out.oj")")
kubectl_each kt get pods -A
kt=("$secs" "$cpu" "$kb" "$(grep -vc '^NAMESPACE ' "$T/out.kt.all" || true)")
kubectl_each kj get pods -A -o json
kj=("$secs" "$cpu" "$kb" "$(grep -c '"kind": "Pod"' "$T/out.kj.all" || true)")

# -- decode ------------------------------------------------------------------
cont= pages=()
for i in 1 2 3 4; do
	"$KUBECTL" --context "${contexts[0]}" get --raw \
		"/api/v1/pods?limit=500${cont:+&continue=$cont}" >"$T/page$i.json"
	pages+=("$T/page$i.json")
	cont=$(py -c 'import json,sys,urllib.parse
print(urllib.parse.quote(json.load(open(sys.argv[1]))["metadata"].get("continue") or ""))' "$T/page$i.json")
	[ -n "$cont" ] || break
done
read -r dec_client dec_dom dec_rows < <("$DECODE" 5 "${pages[@]}")
page_bytes=$(cat "${pages[@]}" | wc -c)

# -- console -----------------------------------------------------------------
printf 'defaultView: pods\n' >"$XDG_CONFIG_HOME/opsdeck/config.yaml"
$TM new-session -d -x 160 -y 48 -s bench "sleep 3600"
$TM respawn-pane -k -t bench "exec env TERM=tmux-256color LANG=C.UTF-8 \
$(printf '%q ' "$OPSDECK" --context "$ctxlist" --bench-log "$T/bench.log") 2>$T/console.err"
cpid=$($TM display -p -t bench '#{pane_pid}')
for _ in $(seq 1 1200); do grep -q ' full ' "$T/bench.log" 2>/dev/null && break; sleep 0.1; done
grep -q ' full ' "$T/bench.log" || { cat "$T/bench.log" "$T/console.err" >&2; echo "bench: the console never drew every row" >&2; exit 1; }
t_first=$(awk '$2 == "first-row" { print $1 }' "$T/bench.log")
t_synced=$(awk '$2 == "synced" { print $1 }' "$T/bench.log")
t_full=$(awk '$2 == "full" { print $1 }' "$T/bench.log")
full_rows=$(awk '$2 == "full" { print $3 }' "$T/bench.log")
load_cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$cpid/stat")
# keys: one at a time, each after the last one's frame
typekey() {
	local n
	n=$(grep -c '^key ' "$T/bench.log" || true)
	date +%s.%N >>"$T/sent"		# the n-th key's frame is the n-th key line
	$TM send-keys -t bench "$1"
	for _ in $(seq 1 100); do
		[ "$(grep -c '^key ' "$T/bench.log" || true)" -gt "$n" ] && break
		sleep 0.02
	done
	sleep 0.05
}
for _ in $(seq 1 "$KEYS"); do typekey j; done
for _ in $(seq 1 $((KEYS / 2))); do typekey k; done
for _ in $(seq 1 $((KEYS / 4))); do typekey G; typekey g; done
keys_jk=$(awk '$1 == "key" && ($2 == "j" || $2 == "k") { print $3 }' "$T/bench.log")
keys_gG=$(awk '$1 == "key" && ($2 == "g" || $2 == "G") { print $3 }' "$T/bench.log")
# keys while the drill churns: the rate reached is the sum over clusters of
# resourceVersions gained (every store change is one watch event)
rvsum() {
	local c s=0 v
	for c in "${contexts[@]}"; do
		v=$("$KUBECTL" --context "$c" get --raw "/api/v1/namespaces?limit=1" |
			py -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
		s=$((s + v))
	done
	echo "$s"
}
churn() { "$KUBECTL" --context "${contexts[0]}" create --raw "/drill/v1/churn?rate=$1" -f /dev/null >/dev/null; }
nkeys=$(grep -c '^key ' "$T/bench.log" || true)
churn "$CHURN"
sleep 2
rv0=$(rvsum) c0=$(date +%s.%N)
for _ in $(seq 1 "$KEYS"); do typekey j; done
for _ in $(seq 1 $((KEYS / 2))); do typekey k; done
rv1=$(rvsum) c1=$(date +%s.%N)
churn 0
churn_rate=$(py -c "print(round(($rv1 - $rv0) / ($c1 - $c0)))")
keys_churn=$(awk -v n="$nkeys" '$1 == "key" { i++ } $1 == "key" && i > n && ($2 == "j" || $2 == "k") { print $3 }' "$T/bench.log")
# the same keys from when tmux was asked to send them: what the console did
# before it read each key (a burst of watch events being read) counts too
keys_churn_sent=$(awk -v n="$nkeys" 'NR == FNR { sent[FNR] = $1; next }
	$1 == "key" { i++ } $1 == "key" && i > n && ($2 == "j" || $2 == "k") && sent[i] != "" {
		printf "%.3f\n", ($4 - sent[i]) * 1000 }' "$T/sent" "$T/bench.log")
# settle: the console first works through what the churn queued (watch
# events, rebuilds); idle starts with the first 2 s window under 5 % of a
# core (10 ticks at 100 a second), at most 60 s after the churn stopped
settle=0
while [ "$settle" -lt 60 ]; do
	a=$(awk '{ print $14 + $15 }' "/proc/$cpid/stat")
	sleep 2
	b=$(awk '{ print $14 + $15 }' "/proc/$cpid/stat")
	settle=$((settle + 2))
	[ $((b - a)) -lt 10 ] && break
done
# idle: CPU and terminal bytes over IDLE seconds (three usage polls of
# each cluster at the default 45, one every 15 s: one poll more or less in
# the window would move the figure by half at 30)
$TM pipe-pane -o -t bench "cat >$T/pane.bytes"
sleep 1
a=$(awk '{ print $14 + $15 }' "/proc/$cpid/stat")
b0=$(stat -c %s "$T/pane.bytes")
sleep "$IDLE"
b1=$(stat -c %s "$T/pane.bytes")
b=$(awk '{ print $14 + $15 }' "/proc/$cpid/stat")
$TM pipe-pane -t bench
idle_cpu=$(py -c "print(round(($b - $a) / 100 / $IDLE * 100, 2))")
idle_bps=$(((b1 - b0) / IDLE))
# one row change: a visible pod's restart count, patched; the bytes the
# console writes from the patch until the row shows it (and 0.1 s more for
# the rest of that frame), five times: the least and the median (a second's
# redraw of ages may fall into one)
row=$($TM capture-pane -p -t bench | grep -m1 -E ' svc-[0-9]{4}-[a-z0-9]+-[a-z0-9]{5} ' || true)
row_bytes=() row_ms=()
if [ -n "$row" ]; then
	r_pod=$(grep -oE 'svc-[0-9]{4}-[a-z0-9]+-[a-z0-9]{5}' <<<"$row" | head -1)
	r_ns=$(grep -oE '(production|staging|batch|platform)' <<<"$row" | head -1)
	r_ctx=$(grep -oE 'gen-[0-9]{2}' <<<"$row" | head -1)
	r_ctx=${r_ctx:-${contexts[0]}}
	$TM pipe-pane -o -t bench "cat >$T/row.bytes"
	sleep 1
	for n in 4241 4242 4243 4244 4245; do
		r0=$(stat -c %s "$T/row.bytes") t0=$(date +%s.%N)
		"$KUBECTL" --context "$r_ctx" -n "$r_ns" patch pod "$r_pod" --subresource=status \
			--type=json -p "[{\"op\":\"replace\",\"path\":\"/status/containerStatuses/0/restartCount\",\"value\":$n}]" >/dev/null
		for _ in $(seq 1 200); do
			$TM capture-pane -p -t bench | grep "$r_pod" | grep -q " $n " && break
			sleep 0.02
		done
		t1=$(date +%s.%N)
		sleep 0.1
		r1=$(stat -c %s "$T/row.bytes")
		row_ms+=("$(py -c "print(round(($t1 - $t0) * 1000))")")
		row_bytes+=("$((r1 - r0))")
		sleep 0.5
	done
	$TM pipe-pane -t bench
fi
con_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$cpid/status")
$TM send-keys -t bench q
drill_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$drill/status")

# -- report ------------------------------------------------------------------
machine="$(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
export B_OT="${ot[*]}" B_OJ="${oj[*]}" B_KT="${kt[*]}" B_KJ="${kj[*]}" B_JK="$keys_jk" B_GG="$keys_gG" \
	B_CLUSTERS="$CLUSTERS" B_PODS="$PODS" B_KUBECTL="$(basename "$KUBECTL")" B_MACHINE="$machine" \
	B_FIRST="$t_first" B_SYNCED="$t_synced" B_FULL="$t_full" B_FULL_ROWS="$full_rows" \
	B_LOAD_CPU="$load_cpu" B_CON_KB="$con_kb" B_IDLE_CPU="$idle_cpu" B_IDLE="$IDLE" B_SETTLE="$settle" B_IDLE_BPS="$idle_bps" \
	B_NPAGES="${#pages[@]}" B_PAGE_BYTES="$page_bytes" B_DEC_ROWS="$dec_rows" \
	B_DEC_CLIENT="$dec_client" B_DEC_DOM="$dec_dom" B_DRILL_KB="$drill_kb" \
	B_CHURN="$CHURN" B_CHURN_RATE="$churn_rate" B_JK_CHURN="$keys_churn" B_JK_CHURN_SENT="$keys_churn_sent" \
	B_ROW_BYTES="${row_bytes[*]}" B_ROW_MS="${row_ms[*]}"
py - "$RESULTS" <<'PY'
import datetime, os, sys
e = os.environ
def f(name): return float(e[name])
def v(name): return [float(x) for x in e[name].split()]
def pct(xs, p):
    xs = sorted(xs)
    if not xs: return float("nan")
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
def r(a, b): return a / b if b else float("nan")
ot, oj, kt, kj, jk, gg = v("B_OT"), v("B_OJ"), v("B_KT"), v("B_KJ"), v("B_JK"), v("B_GG")
jkc = v("B_JK_CHURN")
jkcs = v("B_JK_CHURN_SENT")
clusters, npods = int(e["B_CLUSTERS"]), int(e["B_PODS"])
pods = clusters * npods
con_kb = f("B_CON_KB")
out = ["# opsdeck bench results", ""]
out.append("%s: `make bench` with %d clusters x %d pods (%d pods) served by the drill on the "
           "same machine; kubectl is `%s`." % (
           datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           clusters, npods, pods, e["B_KUBECTL"]))
out.append("Machine: %s." % e["B_MACHINE"])
out += ["", "## Console (all contexts, defaultView pods, a 160x48 tmux pane)", ""]
out += ["| figure | value |", "|---|---|"]
out.append("| launch to first row | %.2f s |" % f("B_FIRST"))
out.append("| launch to every list complete | %.2f s |" % f("B_SYNCED"))
out.append("| launch to all %d rows drawn, sorted | %.2f s |" % (int(f("B_FULL_ROWS")), f("B_FULL")))
out.append("| client CPU until then | %.2f s |" % f("B_LOAD_CPU"))
out.append("| peak RSS | %d MB (%.2f KB/pod) |" % (con_kb / 1024, con_kb / pods))
for name, xs in (("j/k", jk), ("G/g", gg),
                 ("j/k while the drill churns %d events/s (asked %d)" % (
                  int(f("B_CHURN_RATE")), int(f("B_CHURN"))), jkc)):
    out.append("| %s key to frame, p50 / p99 / max (%d keys) | %.1f / %.1f / %.1f ms |" % (
               name, len(xs), pct(xs, 50), pct(xs, 99), pct(xs, 100)))
out.append("| the same keys while churning, from tmux send-keys to frame (the wait before the key "
           "is read counted) | %.1f / %.1f / %.1f ms |" % (pct(jkcs, 50), pct(jkcs, 99), pct(jkcs, 100)))
out.append("| idle CPU (%d s from %d s after the churn stopped) | %.2f %% of a core |" % (
    f("B_IDLE"), f("B_SETTLE"), f("B_IDLE_CPU")))
out.append("| idle terminal output | %d bytes/s |" % f("B_IDLE_BPS"))
rb, rm = v("B_ROW_BYTES"), v("B_ROW_MS")
if rb:
    out.append("| terminal bytes for one row change, least / median of %d (on screen %d ms after the patch, median) | %d / %d bytes |" % (
               len(rb), pct(rm, 50), min(rb), pct(rb, 50)))
else:
    out.append("| terminal bytes for one row change | not measured (no pod row on screen) |")
out += ["", "## get pods -A: opsdeck over every context at once, kubectl one context after another", ""]
out += ["| command | wall s | client CPU s | peak RSS MB | rows |", "|---|---|---|---|---|"]
for name, x in (("opsdeck get (table)", ot), ("kubectl get, each context (table)", kt),
                ("opsdeck get -o json", oj), ("kubectl get -o json, each context", kj)):
    out.append("| %s | %.2f | %.2f | %d | %d |" % (name, x[0], x[1], x[2] / 1024, x[3]))
out += ["", "| kubectl / opsdeck | wall | client CPU | peak RSS |", "|---|---|---|---|"]
out.append("| table | %.2fx | %.2fx | %.2fx |" % (r(kt[0], ot[0]), r(kt[1], ot[1]), r(kt[2], ot[2])))
out.append("| json | %.2fx | %.2fx | %.2fx |" % (r(kj[0], oj[0]), r(kj[1], oj[1]), r(kj[2], oj[2])))
out += ["", "## Decode (%d captured list pages, %.1f MB, %d pods; CPU time)" % (
        int(f("B_NPAGES")), f("B_PAGE_BYTES") / 1e6, int(f("B_DEC_ROWS"))), ""]
out += ["| decoder | MB/s |", "|---|---|"]
out.append("| the client's list decoder, rows kept | %.1f |" % f("B_DEC_CLIENT"))
out.append("| json_loadb alone (a DOM, nothing kept) | %.1f |" % f("B_DEC_DOM"))
out.append("| ratio | %.2fx |" % r(f("B_DEC_CLIENT"), f("B_DEC_DOM")))
out += ["", "## Drill", "", "| figure | value |", "|---|---|"]
out.append("| peak RSS serving %d pods | %d MB (%.1f KB/pod) |" % (pods, f("B_DRILL_KB") / 1024,
           f("B_DRILL_KB") / pods))
text = "\n".join(out) + "\n"
open(sys.argv[1], "w").write(text)
print(text)
PY
echo "bench: wrote $RESULTS"
