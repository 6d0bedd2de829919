#!/usr/bin/env bash
# make soak (not in CI): the console on a churning drill with faults for
# SOAK_SECONDS (default 1800), its resident set (VmRSS) sampled every
# SOAK_INTERVAL seconds (default 30) into SOAK_OUT (default soak-rss.txt in
# the current directory: "seconds console_kB drill_kB" lines), the curve
# printed at the end.
#
# The drill serves the estate (four clusters) at --speed 4; meanwhile, in a
# loop: deployments scaled up and down, pods deleted (their ReplicaSets
# make new ones), staging's backend rolled to a crash-looping image and
# back, one cluster refused, then hung, then healthy again (the drill's
# reach faults), and the console walks its views. Under the ASan build
# (make soak builds one) every sanitizer report lands in the run's
# directory; any report, or a console or drill that died, fails the run.
# The curve itself passes or fails nothing: read it.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../e2e/console_lib.bash"
. "$(dirname "$0")/../lib/drill_api.sh"
duration=${SOAK_SECONDS:-1800}
interval=${SOAK_INTERVAL:-30}
out=${SOAK_OUT:-$PWD/soak-rss.txt}
san=$T/sanitizer
mkdir -p "$san"
# a small quarantine: freed memory ASan holds back is resident too, and
# the default 256 MB of it would read as growth
export ASAN_OPTIONS="quarantine_size_mb=16:${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$san/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$san/ubsan"
k() { kubectl "$@" >/dev/null 2>&1 || true; }

start_drill estate --speed 4
kc_extract
start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging,dev
wait_screen 120 "prod-tokyo(primary) live"
console=$CONSOLE_PID

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# The churn, in the background; one step every 2 s.
churn() {
	local i=0 views=(pods deployments events overview alerts replicasets nodes hpa ctx)
	while :; do
		i=$((i + 1))
		case $((i % 6)) in
		0) k --context prod-tokyo -n production scale deploy/frontend --replicas=$((2 + i % 5)) ;;
		1) k --context prod-osaka -n production delete pod -l app=backend --wait=false ;;
		2) if [ $((i % 24)) -lt 12 ]; then break_staging_backend >/dev/null 2>&1 || true
		   else k --context staging -n staging rollout undo deploy/backend; fi ;;
		3) case $((i / 6 % 6)) in
		   1) acurl -o /dev/null -X POST "$SERVER/drill/v1/reach?cluster=dev&state=refuse" || true ;;
		   3) acurl -o /dev/null -X POST "$SERVER/drill/v1/reach?cluster=dev&state=hang" || true ;;
		   *) acurl -o /dev/null -X POST "$SERVER/drill/v1/reach?cluster=dev&state=ok" || true ;;
		   esac ;;
		4) k --context staging -n staging annotate pod --all --overwrite "soak/round=$i" ;;
		5) k --context prod-tokyo -n production scale deploy/frontend --replicas=3 ;;
		esac
		cmd "${views[$((i % ${#views[@]}))]}" 2>/dev/null || true
		sleep 2
	done
}
churn &
churn_pid=$!
_cleanup_pids+=("$churn_pid")

: >"$out"
start=$SECONDS
while :; do
	now=$((SECONDS - start))
	kill -0 "$console" 2>/dev/null || { screen >&2; cat "$T/console.err" >&2; fail "the console died at ${now}s"; }
	kill -0 "$DRILL_PID" 2>/dev/null || { tail "$T/drill.log" >&2; fail "the drill died at ${now}s"; }
	echo "$now $(rss "$console") $(rss "$DRILL_PID")" | tee -a "$out"
	[ "$now" -lt "$duration" ] || break
	sleep "$interval"
done

# Leave cleanly: leaks are reported at exit.
kill "$churn_pid" 2>/dev/null || true
wait "$churn_pid" 2>/dev/null || true
cmd quit
wait_exit 60
kill "$DRILL_PID" 2>/dev/null || true
wait "$DRILL_PID" 2>/dev/null || true

# The curve: one bar a sample, scaled to the largest; then the figures.
/usr/bin/python3 - "$out" <<'PY'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
top = max(r[1] for r in rows) or 1
print("console VmRSS (kB) over time:")
for t, c, d in rows:
    print(f"{t:6d}s {c:8d} {'#' * max(1, round(50 * c / top))}")
third = rows[len(rows) // 3]
print(f"samples {len(rows)}: first {rows[0][1]} kB, at {third[0]}s {third[1]} kB, "
      f"last {rows[-1][1]} kB, max {top} kB; growth over the last two thirds "
      f"{rows[-1][1] - third[1]:+d} kB; drill {rows[0][2]} -> {rows[-1][2]} kB")
PY
n=$(find "$san" -type f | wc -l)
if [ "$n" -gt 0 ]; then
	for f in "$san"/*; do echo "$f: $(grep -m 1 '^SUMMARY' "$f")"; done
	KEEP_TMP=1
	fail "$n sanitizer report(s) (kept in $san)"
fi
if grep -q __asan_init "$OPSDECK"; then
	ok "soak: ${duration}s, $(wc -l <"$out") samples in $out, no sanitizer report"
else
	ok "soak: ${duration}s, $(wc -l <"$out") samples in $out (not an ASan build)"
fi
