#!/usr/bin/env bash
# One bad cluster never delays or hides the others:
#  - drill contexts plus a refused port, a listener that accepts and never
#    answers, and the real gke-gcloud-auth-plugin (fails without Google
#    credentials): healthy rows print, each bad cluster fails with its own
#    reason, and the command ends within a generous bound of the connect
#    timeout;
#  - a watch cut in the middle of a line resumes from the last
#    resourceVersion without a relist and without duplicates;
#  - a watch ERROR 410 (Expired) relists.
# The wire faults come from tests/integration/fake_kube.py (plain HTTP).
. "$(dirname "$0")/../lib/common.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

start_drill estate
drill_kc=$KUBECONFIG
mapfile -t drill_ctx < <(kubectl --kubeconfig "$drill_kc" config get-contexts -o name)
[ ${#drill_ctx[@]} -ge 1 ] || fail "drill kubeconfig has no contexts"

# A listener that accepts connections and never says a word.
start_hang_listener
hang_port=$HANG_PORT
# A port nothing listens on: bind, note, close.
refused_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

GKE=/usr/lib/google-cloud-sdk/bin/gke-gcloud-auth-plugin
# A real drill server, checked against CAs that did not sign its certificate.
drill_server=$(kubectl --kubeconfig "$drill_kc" config view -o jsonpath='{.clusters[0].cluster.server}')
cat >"$T/bad.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: refused
  cluster: {server: "https://127.0.0.1:$refused_port"}
- name: hang
  cluster: {server: "https://127.0.0.1:$hang_port"}
- name: gke
  cluster: {server: "https://127.0.0.1:$refused_port"}
- name: badca
  cluster: {server: "$drill_server", certificate-authority: /etc/ssl/certs/ca-certificates.crt}
users:
- name: tok
  user: {token: abc}
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $GKE
      interactiveMode: Never
      provideClusterInfo: true
contexts:
- name: bad-refused
  context: {cluster: refused, user: tok}
- name: bad-hang
  context: {cluster: hang, user: tok}
- name: bad-ca
  context: {cluster: badca, user: tok}
EOF
if [ -x "$GKE" ]; then
	cat >>"$T/bad.kubeconfig" <<EOF
- name: bad-gke
  context: {cluster: gke, user: gke}
EOF
fi
export KUBECONFIG=$drill_kc:$T/bad.kubeconfig

connect=5
t0=$(date +%s.%N)
set +e
"$OPSDECK" get pods -A --all-contexts --connect-timeout ${connect}s >"$T/out" 2>"$T/err"
rc=$?
set -e
t1=$(date +%s.%N)
elapsed=$($PY -c "print(round($t1 - $t0, 2))")
echo "get over ${#drill_ctx[@]} drill contexts + bad ones took ${elapsed}s (connect timeout ${connect}s)"
cat "$T/err"
[ "$rc" -ne 0 ] || fail "exit status 0 although clusters failed"
$PY -c "import sys; sys.exit(0 if $elapsed < 3 * $connect else 1)" ||
	fail "took ${elapsed}s, more than 3x the connect timeout"
# The estate is live (controllers create pods), so counts may move between
# runs: every context kubectl sees pods on must have rows here.
rows=0
for c in "${drill_ctx[@]}"; do
	n_k=$(kubectl --kubeconfig "$drill_kc" get pods -A --context "$c" --no-headers 2>/dev/null | wc -l)
	n_o=$(awk -v c="$c" 'NR > 1 && $1 == c' "$T/out" | wc -l)
	if [ "$n_k" -gt 0 ] && [ "$n_o" -eq 0 ]; then
		cat "$T/out"
		fail "$c: kubectl lists $n_k pods, opsdeck none"
	fi
	rows=$((rows + n_o))
	grep -q "opsdeck: $c:" "$T/err" && fail "healthy context $c reported an error"
done
[ "$rows" -gt 0 ] || fail "no healthy rows at all"
err=$(cat "$T/err")
assert_contains "$err" "opsdeck: bad-refused: pods: unreachable" "stderr"
assert_contains "$err" "opsdeck: bad-hang: pods: unreachable" "stderr"
assert_contains "$err" "opsdeck: bad-ca: pods: tls-error: SSL certificate problem" "stderr"
assert_not_contains "$(cat "$T/out")" "bad-" "stdout"
if [ -x "$GKE" ]; then
	assert_contains "$err" "opsdeck: bad-gke: pods: unauthorized" "stderr"
	assert_contains "$err" "gke-gcloud-auth-plugin" "stderr"
fi
ok "healthy clusters print; refused, hanging, untrusted and failing-plugin clusters fail alone"

# The same clusters as a healthy-only run: bad clusters hide nothing.
KUBECONFIG=$drill_kc "$OPSDECK" get pods -A --all-contexts >"$T/healthy" ||
	fail "healthy-only get failed"
diff <(awk 'NR > 1 {print $1}' "$T/healthy" | sort -u) <(awk 'NR > 1 {print $1}' "$T/out" | sort -u) ||
	fail "clusters differ between the healthy-only run and the run with bad clusters"
ok "same clusters with and without the bad clusters"

# watch_until MODE PATTERN: run get --watch -o json until PATTERN shows.
watch_until() {
	local mode=$1 pattern=$2 pid
	"$OPSDECK" get pods -A --watch -o json --kubeconfig "$T/fake-$mode.kubeconfig" \
		>"$T/watch-$mode.out" 2>"$T/watch-$mode.err" &
	pid=$!
	_cleanup_pids+=($pid)
	wait_for 60 grep -q "$pattern" "$T/watch-$mode.out" ||
		{ cat "$T/watch-$mode.out" "$T/watch-$mode.err" "$T/fake-$mode.log"; fail "$mode: $pattern never showed"; }
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

start_fake cut
watch_until cut '"name":"pod-b"'
log=$(cat "$T/fake-cut.log")
echo "$log"
[ "$(grep -c '^GET /api/v1/pods?limit=500' "$T/fake-cut.log")" = 1 ] || fail "cut: relisted"
grep -q 'watch=1&resourceVersion=20&' "$T/fake-cut.log" || fail "cut: first watch not from the list RV"
grep -q 'watch=1&resourceVersion=21&' "$T/fake-cut.log" ||
	fail "cut: second watch did not resume from pod-a's resourceVersion 21"
[ "$(grep -c '"name":"pod-b"' "$T/watch-cut.out")" = 1 ] || fail "cut: pod-b printed more than once"
[ "$(grep -c '"name":"pod-a"' "$T/watch-cut.out")" = 1 ] || fail "cut: pod-a printed more than once"
ok "watch cut mid-line resumes from RV 21 without relist or duplicates"

start_fake gone
watch_until gone '"name":"pod-c"'
cat "$T/fake-gone.log"
[ "$(grep -c '^GET /api/v1/pods?limit=500' "$T/fake-gone.log")" = 2 ] || fail "gone: no relist after 410"
grep -q 'watch=1&resourceVersion=40&' "$T/fake-gone.log" || fail "gone: no watch from the relist RV"
[ "$(grep -c '"name":"pod-a0"' "$T/watch-gone.out")" = 1 ] || fail "gone: pod-a0 duplicated"
ok "watch ERROR 410 relists and watches from the new RV"

# A paged list whose continue token expires is listed again from its
# first page: what the cut-short attempt read counts for nothing, neither
# printed twice (get keeps no store rows) nor kept when it was deleted
# meanwhile (the store's relist begins again, get --watch); when that
# first page is refused (429), the retry lists again, it does not watch
# from the part of a list read before (expired-busy).
for mode in expired-page expired-busy; do
	start_fake $mode
	"$OPSDECK" get pods -A --kubeconfig "$T/fake-$mode.kubeconfig" >"$T/$mode.out" \
		2>"$T/$mode.err" || { cat "$T/$mode.err"; fail "$mode: get failed"; }
	cat "$T/$mode.out"
	[ "$(grep -c 'continue=c1' "$T/fake-$mode.log")" = 1 ] || fail "$mode: the expired page was not asked once"
	[ "$(grep -c '^GET /api/v1/pods?limit=500$' "$T/fake-$mode.log")" = $([ $mode = expired-busy ] && echo 3 || echo 2) ] ||
		{ cat "$T/fake-$mode.log"; fail "$mode: the list was not begun again as often as it was cut short or refused"; }
	assert_not_contains "$(cat "$T/fake-$mode.log")" "watch=1" "$mode: get (no --watch)"
	[ "$(awk 'NR > 1 {print $3}' "$T/$mode.out" | tr '\n' ' ')" = "pod-a0 pod-b0 pod-c0 " ] ||
		fail "$mode: get printed other rows than the last list's, once each"
done
watch_until expired-page '"name":"pod-c0"'
assert_not_contains "$(cat "$T/watch-expired-page.out")" pod-gone "expired-page --watch"
[ "$(grep -c '"name":"pod-a0"' "$T/watch-expired-page.out")" = 1 ] || fail "expired-page: --watch printed pod-a0 twice"
ok "a list whose continue token expired is read again from its first page, once"

# 403 on one kind: that kind fails with the server's message, the other
# kind's rows still print.
start_fake forbid
set +e
"$OPSDECK" get pods,deployments -A --kubeconfig "$T/fake-forbid.kubeconfig" >"$T/forbid.out" 2>"$T/forbid.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "forbid: exit 0 with a forbidden kind"
assert_contains "$(cat "$T/forbid.out")" "pod/pod-a0" "forbid stdout"
assert_contains "$(cat "$T/forbid.err")" "fake-forbid: deployments: forbidden" "forbid stderr"
assert_contains "$(cat "$T/forbid.err")" 'cannot list resource "deployments"' "forbid stderr"
assert_not_contains "$(cat "$T/forbid.err")" "fake-forbid: pods" "forbid stderr"
ok "403 on deployments leaves pods listed"

# 429 with Retry-After: the list is retried, not sooner than the server asked.
start_fake busy
watch_until busy '"name":"pod-a0"'
/usr/bin/python3 - "$T/fake-busy.log.time" <<'PY' || fail "busy: retried before Retry-After"
import sys
t = [float(l.split()[0]) for l in open(sys.argv[1]) if "limit=500" in l]
assert len(t) >= 2, t
gap = t[1] - t[0]
print("retry after %.2fs (Retry-After: 2)" % gap)
sys.exit(0 if gap >= 1.9 else 1)
PY
ok "429 Retry-After honoured"

# The same for a usage poll in a one-shot get: polled again after the
# server's Retry-After, not listed as if it were the pods.
"$OPSDECK" get pods.metrics.k8s.io -A --kubeconfig "$T/fake-busy.kubeconfig" >"$T/busy-metrics.out" \
	2>"$T/busy-metrics.err" || { cat "$T/busy-metrics.err"; fail "busy: get pods.metrics.k8s.io failed"; }
cat "$T/busy-metrics.out"
assert_contains "$(cat "$T/busy-metrics.out")" "pod-a0" "busy: usage"
assert_contains "$(cat "$T/busy-metrics.out")" "250m" "busy: usage"
[ "$(grep -c '^GET /apis/metrics.k8s.io/v1beta1/pods$' "$T/fake-busy.log")" = 2 ] ||
	{ grep metrics "$T/fake-busy.log"; fail "busy: the usage poll was not asked exactly twice"; }
ok "a usage poll answered 429 is polled again after Retry-After"

# 401: the exec plugin runs again once and the retried request succeeds
# with the new token; a plugin whose tokens are never accepted ends
# unauthorized after exactly one re-run.
start_fake auth
cat >"$T/plugin.sh" <<PLUGIN_EOF
#!/bin/sh
n=\$(cat "$T/plugin.count" 2>/dev/null || echo 0)
n=\$((n + \${PLUGIN_STEP:-1}))
echo \$n >"$T/plugin.count"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-%s"}}\n' \$n
PLUGIN_EOF
chmod +x "$T/plugin.sh"
auth_kc() {	# STEP: a kubeconfig whose exec plugin counts in STEP
	cat <<KC_EOF
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: "http://127.0.0.1:$(cat "$T/fake-auth.port")"}
users:
- name: ex
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $T/plugin.sh
      interactiveMode: Never
      env: [{name: PLUGIN_STEP, value: "$1"}]
contexts:
- name: fake-auth
  context: {cluster: fake, user: ex}
current-context: fake-auth
KC_EOF
}
auth_kc 1 >"$T/auth1.kubeconfig"
rm -f "$T/plugin.count"
"$OPSDECK" get pods -A --kubeconfig "$T/auth1.kubeconfig" >"$T/auth.out" 2>"$T/auth.err" ||
	{ cat "$T/auth.err"; fail "auth: get failed although the refreshed token is good"; }
assert_contains "$(cat "$T/auth.out")" "pod-a0" "auth stdout"
[ "$(cat "$T/plugin.count")" = 2 ] || fail "auth: plugin ran $(cat "$T/plugin.count") times, want 2"
ok "401 re-runs the exec plugin once and succeeds with the new token"

auth_kc 3 >"$T/auth3.kubeconfig"	# tokens 3, 6: never tok-2
rm -f "$T/plugin.count"
set +e
"$OPSDECK" get pods -A --kubeconfig "$T/auth3.kubeconfig" >"$T/auth.out" 2>"$T/auth.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "auth: exit 0 with rejected credentials"
assert_contains "$(cat "$T/auth.err")" "fake-auth: pods: unauthorized" "auth stderr"
[ "$(cat "$T/plugin.count")" = 6 ] || fail "auth: plugin ran more than twice"
ok "rejected credentials: unauthorized after one refresh"

# A live cluster that stops answering turns stale (rows kept), and live
# again when it answers; --watch reports both on stderr. The drill's
# reachability switch makes prod-tokyo hang, then answer again.
export KUBECONFIG=$drill_kc
"$OPSDECK" get pods -A --context prod-tokyo --watch >"$T/stale.out" 2>"$T/stale.err" &
stale_pid=$!
_cleanup_pids+=($stale_pid)
wait_for 60 grep -q '^prod-tokyo ' "$T/stale.out" || fail "stale: no rows before the fault"
reach() {	# STATE: switch prod-tokyo through another cluster's API
	echo '{}' | kubectl --context staging create --raw \
		"/drill/v1/reach?cluster=prod-tokyo&state=$1" -f - >/dev/null
}
reach hang
wait_for 120 grep -q 'prod-tokyo: stale: not answering' "$T/stale.err" ||
	{ cat "$T/stale.err"; fail "stale: never reported"; }
reach ok
wait_for 120 grep -q 'prod-tokyo: live' "$T/stale.err" ||
	{ cat "$T/stale.err"; fail "stale: never live again"; }
kill "$stale_pid" 2>/dev/null || true
cat "$T/stale.err"
ok "a hanging live cluster turns stale, then live again"

# A cluster that keeps refusing does not stay stale forever: after a few
# failed probes (or 30 s) it turns unreachable, the reason giving the age of
# the rows it keeps, and live again once it answers.
"$OPSDECK" get pods -A --context prod-tokyo --watch >"$T/unreach.out" 2>"$T/unreach.err" &
unreach_pid=$!
_cleanup_pids+=($unreach_pid)
wait_for 60 grep -q '^prod-tokyo ' "$T/unreach.out" || fail "unreachable: no rows before the fault"
reach refuse
wait_for 120 grep -q 'prod-tokyo: stale: not answering' "$T/unreach.err" ||
	{ cat "$T/unreach.err"; fail "unreachable: never stale first"; }
wait_for 180 grep -Eq 'prod-tokyo: unreachable: .*\(data from [0-9]{2}:[0-9]{2}:[0-9]{2}\)' \
	"$T/unreach.err" || { cat "$T/unreach.err"; fail "unreachable: stale never escalated"; }
grep -n 'prod-tokyo: ' "$T/unreach.err" | grep -B100 'unreachable' | grep -q 'stale' ||
	{ cat "$T/unreach.err"; fail "unreachable: not stale before unreachable"; }
reach ok
wait_for 120 sh -c "sed -n '/prod-tokyo: unreachable/,\$p' '$T/unreach.err' | grep -q 'prod-tokyo: live'" ||
	{ cat "$T/unreach.err"; fail "unreachable: never live again"; }
kill "$unreach_pid" 2>/dev/null || true
cat "$T/unreach.err"
ok "a refusing cluster goes live, stale, unreachable (data age kept), live again"
