# The real Alertmanager for tests (sourced after common.sh).
#
# start_real_alertmanager: start Debian's prometheus-alertmanager (skip the
# test if it is not installed) with the configuration on standard input,
# wait until it is ready, set AMURL, and export a KUBECONFIG whose one
# context, am-ctx, reaches it through config.yaml (its API server is a
# closed port: Alertmanager calls must never go there).
start_real_alertmanager() {
	local am port
	am=$(command -v prometheus-alertmanager || true)
	[ -x "$am" ] || skip "prometheus-alertmanager not installed"
	port=$(free_port_base)
	mkdir -p "$T/am"
	cat >"$T/am/alertmanager.yml"
	"$am" --config.file="$T/am/alertmanager.yml" --storage.path="$T/am/data" \
		--web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
		>"$T/am/log" 2>&1 &
	_cleanup_pids+=($!)
	AMURL="http://127.0.0.1:$port"
	wait_for 60 curl -sf "$AMURL/-/ready" || { cat "$T/am/log" >&2; fail "alertmanager did not start"; }

	cat >"$T/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: unused}
contexts:
- name: am-ctx
  context: {cluster: c, user: u}
current-context: am-ctx
EOF
	mkdir -p "$XDG_CONFIG_HOME/opsdeck"
	cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<EOF
contexts:
  am-ctx:
    alertmanager: {url: "$AMURL"}
EOF
	export KUBECONFIG=$T/kubeconfig
}
