#!/usr/bin/env bash
# `opsdeck get` reaches the drill through a cluster's proxy-url: a real HTTP
# CONNECT proxy (tinyproxy) and a real SOCKS5 proxy (dante). The proxies' own
# logs prove the traffic went through them, and with the proxy stopped the
# request fails instead of going direct.
. "$(dirname "$0")/../lib/common.sh"

KUBECTL=${KUBECTL:-/usr/bin/kubectl}
command -v jq >/dev/null || skip "jq is not installed"
command -v tinyproxy >/dev/null || skip "tinyproxy is not installed"

scenario=estate
[ -f "$TESTS_DIR/../drill/scenarios/estate.yaml" ] || scenario=$TESTS_DIR/data/mini-estate.json
start_drill "$scenario"
DRILL_KC=$KUBECONFIG
mapfile -t clusters < <(jq -r '.clusters[].name' "$DRILL_KC")
mapfile -t ports < <(jq -r '.clusters[].cluster.server | sub(".*:"; "")' "$DRILL_KC")
[ ${#clusters[@]} -ge 2 ] || fail "the drill serves fewer than 2 clusters"
ctxs=$(IFS=,; echo "${clusters[*]}")

# rows: "cluster namespace name" of every pod opsdeck lists on all clusters.
rows() {
	"$OPSDECK" get pods -A --context "$ctxs" -o json 2>"$T/err" |
		jq -r '.[] | "\(.cluster) \(.namespace) \(.name)"' | sort
}
# the drill writes its kubeconfig once its controllers have made the
# estate's pods (drill_ready); a loaded machine may still be slow to list
have_rows() { [ -n "$(rows)" ]; }
wait_for 30 have_rows || { cat "$T/err" >&2; fail "no pods listed directly"; }

# direct_rows: rows listed without any proxy.
direct_rows() { KUBECONFIG=$DRILL_KC rows; }

# agree WHAT: rows through the current kubeconfig's proxy equal the direct
# rows just before or just after (the drill's pods change as time passes:
# a mismatch is retried 5 times before it fails).
agree() {
	local d1 d2 got i
	for i in 1 2 3 4 5; do
		d1=$(direct_rows)
		got=$(rows) || true
		d2=$(direct_rows)
		if [ -n "$got" ] && { [ "$got" = "$d1" ] || [ "$got" = "$d2" ]; }; then
			return 0
		fi
	done
	cat "$T/err" >&2
	diff <(echo "$d2") <(echo "$got") >&2 || true
	fail "$1: rows differ from the direct ones"
}

# with_proxy URL: a copy of the drill kubeconfig with proxy-url on every cluster.
with_proxy() {
	jq --arg p "$1" '.clusters[].cluster["proxy-url"] = $p' "$DRILL_KC" >"$T/proxied.kubeconfig"
	export KUBECONFIG=$T/proxied.kubeconfig
}

# port_open PORT: something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_closed() { ! port_open "$1"; }

base=$(free_port_base)

# --- HTTP CONNECT through tinyproxy ---------------------------------------
tp_port=$base
{
	echo "Port $tp_port"
	echo "Listen 127.0.0.1"
	echo "Timeout 600"
	echo "LogLevel Connect"
	echo "MaxClients 50"
	echo "Allow 127.0.0.1"
	for p in "${ports[@]}"; do echo "ConnectPort $p"; done
} >"$T/tinyproxy.conf"
[ "$(id -u)" != 0 ] || { echo "User nobody"; echo "Group nogroup"; } >>"$T/tinyproxy.conf"
tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.log" 2>&1 &
tp_pid=$!
_cleanup_pids+=("$tp_pid")
wait_for 20 port_open "$tp_port" || { cat "$T/tinyproxy.log" >&2; fail "tinyproxy did not start"; }

with_proxy "http://127.0.0.1:$tp_port"
agree "through tinyproxy"
grep -q "Established connection to host \"127.0.0.1\"" "$T/tinyproxy.log" ||
	{ cat "$T/tinyproxy.log" >&2; fail "tinyproxy's log shows no tunnel"; }
for p in "${ports[@]}"; do
	grep -q "127.0.0.1:$p" "$T/tinyproxy.log" || fail "no tunnel to drill port $p in tinyproxy's log"
done
ok "http proxy-url: every cluster listed through tinyproxy (${#ports[@]} tunnels in its log)"
"$KUBECTL" --context "${clusters[0]}" get pods -A >/dev/null 2>"$T/kerr" ||
	{ cat "$T/kerr" >&2; fail "kubectl fails with the same proxied kubeconfig"; }

kill "$tp_pid"; wait "$tp_pid" 2>/dev/null || true
wait_for 20 port_closed "$tp_port" || fail "tinyproxy did not stop"
rc=0
out=$("$OPSDECK" get pods -A --context "${clusters[0]}" 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "listed pods with the proxy down: the proxy was bypassed"
assert_contains "$out" "${clusters[0]}"
ok "proxy down: the request fails ($(printf '%s' "$out" | head -n 1))"

# --- SOCKS5 through dante -------------------------------------------------
command -v danted >/dev/null || skip "danted (dante-server) is not installed; http proxy passed"
sk_port=$((base + 1))
cat >"$T/danted.conf" <<EOF
logoutput: $T/danted.log
internal: 127.0.0.1 port = $sk_port
external: 127.0.0.1
clientmethod: none
socksmethod: none
client pass {
	from: 127.0.0.1/32 to: 0.0.0.0/0
}
socks pass {
	from: 127.0.0.1/32 to: 127.0.0.1/32
	command: connect
	log: connect disconnect
}
EOF
danted -f "$T/danted.conf" -p "$T/danted.pid" -N 1 >"$T/danted.out" 2>&1 &
sk_pid=$!
_cleanup_pids+=("$sk_pid")
if ! wait_for 20 port_open "$sk_port"; then
	cat "$T/danted.out" "$T/danted.log" 2>/dev/null | tail -n 5
	skip "danted could not listen here ($(tail -n 1 "$T/danted.out" 2>/dev/null)); http proxy passed"
fi
on_exit "kill \$(cat '$T/danted.pid' 2>/dev/null) 2>/dev/null"

with_proxy "socks5://127.0.0.1:$sk_port"
agree "through dante"
for p in "${ports[@]}"; do
	grep -q "tcp/connect \[: .* 127\.0\.0\.1\.$p\$" "$T/danted.log" ||
		{ cat "$T/danted.log" >&2; fail "no SOCKS connect to drill port $p in dante's log"; }
done
ok "socks5 proxy-url: every cluster listed through dante"
"$KUBECTL" --context "${clusters[0]}" get pods -A >/dev/null 2>"$T/kerr" ||
	{ cat "$T/kerr" >&2; fail "kubectl fails with the same socks5 kubeconfig"; }
ok "kubectl accepts the same socks5 kubeconfig"
