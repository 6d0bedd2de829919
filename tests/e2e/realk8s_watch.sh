#!/usr/bin/env bash
# The console's watches against a real API server (tests/realk8s/), with a
# drill's staging cluster beside it in the same console:
# - HTTP/2 over TLS, one connection: every LIST, WATCH and probe of the
#   console's reaches the API server from one client port (the server logs
#   each request with it), a dozen watches at once among them, which
#   HTTP/1.1 cannot carry on one connection;
# - bookmarks: a quiet kind's watch is resumed, after the server comes
#   back, from a resourceVersion newer than its list's, which only a
#   BOOKMARK event can have told the console;
# - the API server stopped: its cluster turns stale, then unreachable,
#   while the drill's cluster stays live;
# - while it is down, deployments change through a second API server of the
#   same cluster and etcd is compacted; restarted, the first server answers
#   the console's watch from its old resourceVersion with 410 Expired, the
#   console relists, and its rows are kubectl's: the deleted one gone, the
#   new one there, none twice.
. "$(dirname "$0")/../lib/realk8s.sh"
. "$(dirname "$0")/console_lib.bash"
command -v jq >/dev/null || skip "jq missing"

start_drill estate
drill_kc=$KUBECONFIG
realk8s_up real-tokyo
real_kc=$KUBECONFIG
ctx=real-tokyo
wait_for 240 rk_settled "$ctx" ||
	{ kc --context "$ctx" get pods -A >&2; rk_dump_logs; fail "estate did not settle"; }
k() { kc --context "$ctx" "$@"; }
srv_audit=$RK_DIR/$ctx/apiserver.audit.log
srv_log=$RK_DIR/$ctx/apiserver.log
# opsdeck's requests in the server's audit log, through a jq filter
ops() { jq -c "select(.userAgent | startswith(\"opsdeck/\")) | $1" "$srv_audit"; }

export KUBECONFIG=$real_kc:$drill_kc
start_console --context "$ctx,staging"
wait_screen 60 "$ctx live"
wait_screen 60 "staging(staging) live"
cmd "deploy @$ctx"
wait_screen 30 "deployments @$ctx"
key 0
wait_screen 10 "ns:all"
expect 30 "staging/backend listed" rows_show "^staging +backend +2/2 "
ok "console up on $ctx (real) and staging (drill)"

# The namespaces' first watch starts from the list's resourceVersion.
ns_watch_rv() {
	ops 'select(.verb == "watch" and .objectRef.resource == "namespaces") |
		.requestURI | capture("resourceVersion=(?<rv>[0-9]+)").rv' | head -n 1 | tr -d '"'
}
ns_watching() { [ -n "$(ns_watch_rv)" ]; }
wait_for 30 ns_watching || true
first_ns_rv=$(ns_watch_rv)
[ -n "$first_ns_rv" ] || fail "no namespaces watch from the console"

# A bookmark comes about once a minute on a watch that asked for them,
# carrying the version the server's cache of that kind has reached. Writes
# elsewhere move etcd on; a consistent list of namespaces makes the cache
# catch up (it asks etcd for progress), so the bookmark is newer than the
# console's list.
for i in 1 2; do
	k -n default create configmap "bump-$i" >/dev/null
	k get namespaces >/dev/null
	sleep 40
done

# Stop the API server: stale, then unreachable; the drill stays live.
# The server shuts down gracefully, which can take seconds on a loaded
# machine: watch the screen meanwhile, or the stale phase (a few probes
# long) may be over before the kill returns.
rk_kill "$ctx-apiserver" &
killer=$!
t0=$SECONDS
wait_screen 30 "$ctx stale since"
expect 5 "the drill's cluster live while $ctx is stale" line_matches 2 "staging\(staging\) live"
ok "$ctx stale $((SECONDS - t0))s after its API server stopped; staging (drill) live"
wait "$killer" || true

# Meanwhile, through a second API server of the same cluster: changes the
# console's watches cannot see, then etcd compacted past them.
rk_apiserver_start "$ctx" apiserver2 >/dev/null
rk_wait_ready "$ctx" apiserver2 || fail "second API server not ready"
k2() { k --server "https://127.0.0.1:$(cat "$RK_DIR/$ctx/apiserver2.port")" "$@"; }
k2 -n staging delete deploy frontend >/dev/null
k2 -n staging create deploy probe-new --image=example.com/probe:1 >/dev/null
k2 -n staging scale deploy backend --replicas=3 >/dev/null
etcd="http://127.0.0.1:$RK_ETCD_PORT"
rev=$(curl -fsS "$etcd/v3/kv/range" -d '{"key":"Lw=="}' | jq -r .header.revision)
curl -fsS "$etcd/v3/kv/compaction" -d "{\"revision\":\"$rev\",\"physical\":true}" >/dev/null ||
	fail "etcd compaction failed"
ok "while $ctx's server is down: frontend deleted, probe-new created, backend scaled; etcd compacted at $rev"
wait_screen 60 "$ctx unreachable"
expect 5 "the drill's cluster live while $ctx is unreachable" line_matches 2 "staging\(staging\) live"
ok "$ctx unreachable $((SECONDS - t0))s after its API server stopped; staging (drill) live"
rk_kill "$ctx-apiserver2"

# Back: live again, the old watch expired, a fresh list, kubectl's rows.
mark=$(wc -l <"$srv_audit")
rk_apiserver_start "$ctx" >/dev/null
rk_wait_ready "$ctx" || fail "API server did not restart"
wait_screen 60 "$ctx live"
ok "$ctx live again $((SECONDS - t0))s after its API server stopped"
after() { tail -n +"$((mark + 1))" "$srv_audit" | jq -c "select(.userAgent | startswith(\"opsdeck/\")) | $1"; }
old_watch() {
	after 'select(.verb == "watch" and .objectRef.resource == "deployments") | .requestURI' |
		head -n 1 | jq -r .
}
# deployments after the restart: the old watch, a list, a new watch
relisted() {
	local seq
	seq=$(after 'select(.objectRef.resource == "deployments") | .verb' | tr -d '"' | uniq |
		tr '\n' ' ')
	case $seq in "watch list watch"*) return 0 ;; *) return 1 ;; esac
}
wait_for 90 relisted || { after '[.verb, .requestURI]' | grep deployments >&2; fail "no watch, list, watch of deployments after the restart"; }
uri=$(old_watch)
[ -n "$uri" ] || fail "the console did not resume its deployments watch"
# The watch is answered 200 with an ERROR event in the stream: ask the same
# and read the event.
port=$(cat "$RK_DIR/$ctx/apiserver.port")
curl -sS --max-time 10 --cacert "$RK_DIR/pki/ca.crt" --cert "$RK_DIR/pki/admin.crt" \
	--key "$RK_DIR/pki/admin.key" "https://127.0.0.1:$port$(printf '%s' "$uri" | sed 's/timeoutSeconds=[0-9]*/timeoutSeconds=2/')" \
	>"$T/w.out" || true
jq -e -s 'map(select(.type == "ERROR" and .object.code == 410 and .object.reason == "Expired")) | length == 1' \
	"$T/w.out" >/dev/null || { cat "$T/w.out" >&2; fail "the console's resumed watch ($uri) is not 410 Expired"; }
ok "the console's resumed watch ($uri) is 410 Expired on the real server; it relisted and watches again"
expect 30 "probe-new listed" rows_show "^staging +probe-new "
kube_rows() { k get deploy -A --no-headers | awk '{ print $1, $2 }' | sort; }
screen_rows() { screen | sed -n '4,47p' | awk 'NF >= 6 && $3 ~ /^[0-9]+\/[0-9]+$/ { print $1, $2 }' | sort; }
same_rows() { [ "$(kube_rows)" = "$(screen_rows)" ]; }
expect 30 "the console's rows equal kubectl's" same_rows
[ -z "$(screen_rows | uniq -d)" ] || fail "a row shown twice: $(screen_rows | uniq -d)"
! screen_rows | grep -q '^staging frontend$' || fail "the deleted staging/frontend still shown"
ok "after the relist: $(screen_rows | wc -l) rows, kubectl's, none twice, staging/frontend gone"

# Bookmarks: the quiet namespaces watch resumed from a newer version.
ns_resumed_rv() {
	after 'select(.verb == "watch" and .objectRef.resource == "namespaces") |
		.requestURI | capture("resourceVersion=(?<rv>[0-9]+)").rv' | head -n 1 | tr -d '"'
}
ns_resumed() { [ -n "$(ns_resumed_rv)" ]; }
# its retries back off (up to 30 s) while the server is down
wait_for 90 ns_resumed || true
ns_rv=$(ns_resumed_rv)
[ -n "$ns_rv" ] || fail "the namespaces watch was not resumed"
[ "$ns_rv" -gt "$first_ns_rv" ] ||
	fail "namespaces watch resumed from $ns_rv, its list's version $first_ns_rv: no bookmark taken"
ops 'select(.objectRef.resource == "namespaces" and .verb == "watch") | .requestURI' |
	grep -q 'allowWatchBookmarks=true' || fail "the console's watches do not ask for bookmarks"
ok "bookmarks: the namespaces watch resumed from $ns_rv (list at $first_ns_rv)"

# The first server may have been killed (a graceful shutdown over 10 s
# under load) before it logged the watches it had: the check below may
# have only the restarted server's. Let the console's watches come back on
# it first: a resumed watch is answered 410 at once (etcd was compacted past
# it), so a kind is back when a list after the restart was followed by a
# watch, which then stays open (each retry backs off up to 30 s).
rewatched() {
	after 'select(.verb == "list" or .verb == "watch") | [.objectRef.resource, .verb] | join(" ")' |
		tr -d '"' | awk '$2 == "list" { l[$1] = 1 } $2 == "watch" && l[$1] { print $1 }' | sort -u
}
watches_back() { [ "$(rewatched | wc -l)" -ge 5 ]; }
wait_for 90 watches_back ||
	fail "fewer than five of the console's watches came back after a list on the restarted server: $(rewatched | tr '\n' ' ')"
quit_console
# HTTP/2: the server logs each request when it ends, with its latency and
# the client's address and port. Watches of the console's that were open
# at the same instant over one port share one TCP connection, which only
# HTTP/2 allows (four at once are asked for, a dozen are usual); the lists
# and probes on that port reused it.
h2_check() {
	/usr/bin/python3 - "$srv_log" >"$T/h2" <<'PY'
import re, sys
from datetime import datetime
line_re = re.compile(r'^I(\d{4}) (\d\d:\d\d:\d\d\.\d+) .*"HTTP" verb="([A-Z]+)" .*latency="([^"]+)" '
                     r'userAgent="opsdeck/[^"]*" .*srcIP="([^"]+)"')
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
def secs(d):
    return sum(float(n) * unit[u] for n, u in re.findall(r"([0-9.]+)(ns|µs|us|ms|s|m|h)", d))
ivals, other = {}, {}
for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = line_re.search(l)
    if not m:
        continue
    # klog stamps month, day and time of day: a run may cross midnight
    t = datetime.strptime("2000" + m.group(1) + " " + m.group(2), "%Y%m%d %H:%M:%S.%f")
    end = t.timestamp()
    if m.group(3) == "WATCH":
        ivals.setdefault(m.group(5), []).append((end - secs(m.group(4)), end))
    else:
        other[m.group(5)] = other.get(m.group(5), 0) + 1
# per client port: the most watches open at one instant
best = {}
for p, iv in ivals.items():
    best[p] = max(sum(1 for a, b in iv if a <= s0 + 0.001 and b > s0 + 0.001) for s0, _ in iv)
ports = sorted(best, key=lambda p: (best[p], other.get(p, 0)), reverse=True)
port = next((p for p in ports if best[p] >= 4 and other.get(p, 0) >= 2), None)
if port is None:
    print("none", " ".join("%s:%d/%d" % (p, best[p], other.get(p, 0)) for p in ports[:5]) or "-", 0)
    sys.exit(1)
print(best[port], port, other.get(port, 0))
PY
}
# the server logs a watch when it ends: give it time to log those the
# console's exit closed
wait_for 20 h2_check ||
	fail "the console's watches did not share one connection (most watches at once/other requests per port: $(cut -d' ' -f2 "$T/h2"))"
read -r nwatch port nother <"$T/h2"
ok "HTTP/2: $nwatch watches open at once over one connection ($port), and $nother other requests on it"
