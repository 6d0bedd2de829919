# Functions that start and stop a real Kubernetes estate on loopback
# (sourced by tests/realk8s/start.sh and tests/lib/realk8s.sh).
#
# One estate lives in one folder ($RK_DIR) and has one etcd; each cluster
# has its own kube-apiserver (its own etcd prefix), kube-controller-manager,
# kube-scheduler and kwok with fake nodes that run pods. Everything listens
# on 127.0.0.1 at ports picked free at start; TLS comes from openssl.
# A watchdog follows the owner process ($RK_OWNER, default the sourcing
# shell) and stops every process of the estate when the owner is gone,
# even when it was killed with SIGKILL.
#
# Layout of $RK_DIR: pki/, etcd/, <cluster>/{apiserver,cm,sched,kwok}.log,
# <cluster>/audit.log, kubeconfig (contexts <cluster>, <cluster>-viewer,
# <cluster>-exec), pids (one "pid name" a line).

RK_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RK_CACHE=${OPSDECK_REALK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/opsdeck/realk8s}
RK_BIN=${RK_BIN:-$RK_CACHE/bin}
RK_OWNER=${RK_OWNER:-$$}
RK_NODES=${RK_NODES:-3}
RK_VIEWER_TOKEN=opsdeck-viewer-token-0123456789abcdef
RK_EXEC_TOKEN=opsdeck-exec-token-fedcba9876543210

rk_log() { echo "realk8s: $*" >&2; }

# rk_free_ports N: N distinct free TCP ports on 127.0.0.1, one a line.
rk_free_ports() {
	python3 - "$1" <<'PY'
import random, socket, sys
n, got = int(sys.argv[1]), []
while len(got) < n:
    p = random.randrange(20000, 60000)
    if p in got:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        got.append(p)
    except OSError:
        pass
    finally:
        s.close()
print("\n".join(map(str, got)))
PY
}

# rk_spawn NAME LOG CMD...: start CMD in the background, record its pid.
rk_spawn() {
	local name=$1 log=$2; shift 2
	"$@" >>"$log" 2>&1 &
	echo "$! $name" >>"$RK_DIR/pids"
}

# rk_pid NAME: the pid of the last process started under NAME.
rk_pid() { awk -v n="$1" '$2 == n { p = $1 } END { print p }' "$RK_DIR/pids"; }

# rk_kill NAME: stop one recorded process (TERM, then KILL after 10 s).
rk_kill() {
	local pid i
	pid=$(rk_pid "$1")
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 0
}

# The watchdog: a detached shell that polls the owner and the stop file;
# then stops every pid in $RK_DIR/pids. It survives SIGKILL of the owner.
rk_watchdog() {
	local dir=$RK_DIR owner=$RK_OWNER
	setsid bash -c '
		dir=$1 owner=$2
		while kill -0 "$owner" 2>/dev/null && [ ! -e "$dir/stop" ]; do sleep 1; done
		# The clients of etcd first, then etcd: an API server whose etcd is
		# gone waits for it instead of exiting.
		stop() {
			[ -n "$1" ] || return 0
			kill $1 2>/dev/null
			for i in $(seq 50); do
				alive=; for p in $1; do kill -0 "$p" 2>/dev/null && alive=1; done
				[ -n "$alive" ] || return 0; sleep 0.2
			done
			kill -9 $1 2>/dev/null
		}
		stop "$(awk "\$2 != \"etcd\" {print \$1}" "$dir/pids" 2>/dev/null)"
		stop "$(awk "\$2 == \"etcd\" {print \$1}" "$dir/pids" 2>/dev/null)"
		touch "$dir/stopped"
	' rk-watchdog "$dir" "$owner" </dev/null >/dev/null 2>&1 &
}

# rk_stop: stop the whole estate now (the watchdog does the work).
rk_stop() {
	[ -n "${RK_DIR:-}" ] && [ -d "$RK_DIR" ] || return 0
	touch "$RK_DIR/stop"
	local i
	for i in $(seq 150); do [ -e "$RK_DIR/stopped" ] && break; sleep 0.1; done
}

rk_have_binaries() {
	local c
	for c in kube-apiserver kube-controller-manager kube-scheduler etcd kwok; do
		[ -x "$RK_BIN/$c" ] || return 1
	done
}

# rk_pki: a CA, the serving cert for 127.0.0.1, client certs, the
# service-account key pair, the static token file.
rk_pki() {
	local p=$RK_DIR/pki
	mkdir -p "$p"
	(
		cd "$p"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3 \
			-subj "/CN=opsdeck-realk8s-ca" 2>/dev/null
		cat >serving.ext <<-'EOF'
			subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc
			extendedKeyUsage = serverAuth
		EOF
		openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
			-subj "/CN=kube-apiserver" 2>/dev/null
		openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-out apiserver.crt -days 3 -extfile serving.ext 2>/dev/null
		echo "extendedKeyUsage = clientAuth" >client.ext
		local who cn o
		for who in "admin|admin|system:masters" "kwok|kwok|system:masters" \
			"cm|system:kube-controller-manager|" "sched|system:kube-scheduler|" \
			"apiserver-kubelet|kube-apiserver-kubelet-client|system:masters"; do
			IFS='|' read -r name cn o <<<"$who"
			openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" \
				-subj "/CN=$cn${o:+/O=$o}" 2>/dev/null
			openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
				-out "$name.crt" -days 3 -extfile client.ext 2>/dev/null
		done
		openssl genrsa -out sa.key 2048 2>/dev/null
		openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
		printf '%s,opsdeck-viewer,uid-viewer,oncall-viewers\n' "$RK_VIEWER_TOKEN" >tokens.csv
		printf '%s,opsdeck-exec,uid-exec,system:masters\n' "$RK_EXEC_TOKEN" >>tokens.csv
	)
}

# rk_component_kubeconfig FILE CERTNAME PORT
rk_component_kubeconfig() {
	local p=$RK_DIR/pki
	cat >"$1" <<-EOF
		apiVersion: v1
		kind: Config
		clusters:
		- name: c
		  cluster: {server: "https://127.0.0.1:$3", certificate-authority: "$p/ca.crt"}
		users:
		- name: u
		  user: {client-certificate: "$p/$2.crt", client-key: "$p/$2.key"}
		contexts:
		- name: c
		  context: {cluster: c, user: u}
		current-context: c
	EOF
}

rk_etcd_start() {
	local ports
	mapfile -t ports < <(rk_free_ports 2)
	RK_ETCD_PORT=${ports[0]}
	echo "$RK_ETCD_PORT" >"$RK_DIR/etcd.port"
	rk_spawn etcd "$RK_DIR/etcd.log" "$RK_BIN/etcd" --name rk --data-dir "$RK_DIR/etcd" \
		--listen-client-urls "http://127.0.0.1:${ports[0]}" \
		--advertise-client-urls "http://127.0.0.1:${ports[0]}" \
		--listen-peer-urls "http://127.0.0.1:${ports[1]}" \
		--initial-advertise-peer-urls "http://127.0.0.1:${ports[1]}" \
		--initial-cluster "rk=http://127.0.0.1:${ports[1]}" \
		--unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
	local i
	for i in $(seq 300); do
		curl -fsS "http://127.0.0.1:$RK_ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && return 0
		kill -0 "$(rk_pid etcd)" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$RK_DIR/etcd.log" >&2
	rk_log "etcd did not become healthy"
	return 1
}

# rk_apiserver_start CLUSTER [INSTANCE]: start (or restart, same port) the
# API server of CLUSTER; INSTANCE (default "apiserver") names a second
# server of the same cluster (same etcd prefix), for HA tests. Words in
# $RK_APISERVER_ARGS are added to its flags. --v=3 makes it log every
# request with the client's address and port.
rk_apiserver_start() {
	local c=$1 inst=${2:-apiserver} port
	local d=$RK_DIR/$c p=$RK_DIR/pki
	if [ -s "$d/$inst.port" ]; then
		port=$(cat "$d/$inst.port")
	else
		port=$(rk_free_ports 1)
		echo "$port" >"$d/$inst.port"
	fi
	rk_spawn "$c-$inst" "$d/$inst.log" "$RK_BIN/kube-apiserver" \
		--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
		--etcd-servers="http://127.0.0.1:$RK_ETCD_PORT" --etcd-prefix="/registry-$c" \
		--tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
		--client-ca-file="$p/ca.crt" --token-auth-file="$p/tokens.csv" \
		--kubelet-client-certificate="$p/apiserver-kubelet.crt" \
		--kubelet-client-key="$p/apiserver-kubelet.key" \
		--kubelet-preferred-address-types=InternalIP \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
		--service-cluster-ip-range=10.96.0.0/16 \
		--authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
		--allow-privileged=true \
		--audit-policy-file="$RK_DIR/audit-policy.yaml" --audit-log-path="$d/$inst.audit.log" \
		--audit-log-format=json --audit-log-mode=blocking \
		--etcd-compaction-interval=0 \
		--v=3 ${RK_APISERVER_ARGS:-}
	echo "$port"
}

# rk_wait_ready CLUSTER [INSTANCE] [SECONDS]
rk_wait_ready() {
	local c=$1 inst=${2:-apiserver} limit=${3:-180} port i
	port=$(cat "$RK_DIR/$c/$inst.port")
	for i in $(seq $((limit * 5))); do
		if curl -fsS --cacert "$RK_DIR/pki/ca.crt" --cert "$RK_DIR/pki/admin.crt" \
			--key "$RK_DIR/pki/admin.key" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$(rk_pid "$c-$inst")" 2>/dev/null || break
		sleep 0.2
	done
	tail -n 30 "$RK_DIR/$c/$inst.log" >&2
	rk_log "$c: $inst not ready on port $port"
	return 1
}

# rk_controllers_start CLUSTER: controller-manager, scheduler, kwok. kwok
# serves the kubelet API (logs, exec, port-forward) of its nodes on
# 127.0.0.1:<node port>; words in $RK_KWOK_ARGS are added to its flags
# (e.g. --config FILE with the Exec and PortForward rules those need).
rk_controllers_start() {
	local c=$1 d=$RK_DIR/$1 p=$RK_DIR/pki port kport
	port=$(cat "$d/apiserver.port")
	rk_component_kubeconfig "$d/cm.kubeconfig" cm "$port"
	rk_component_kubeconfig "$d/sched.kubeconfig" sched "$port"
	rk_component_kubeconfig "$d/kwok.kubeconfig" kwok "$port"
	rk_spawn "$c-cm" "$d/cm.log" "$RK_BIN/kube-controller-manager" \
		--kubeconfig="$d/cm.kubeconfig" --authentication-kubeconfig="$d/cm.kubeconfig" \
		--authorization-kubeconfig="$d/cm.kubeconfig" \
		--bind-address=127.0.0.1 --secure-port=0 --leader-elect=false \
		--use-service-account-credentials=true \
		--service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" \
		--cluster-signing-cert-file="$p/ca.crt" --cluster-signing-key-file="$p/ca.key" \
		--cluster-name="$c" --concurrent-deployment-syncs=2 --v=1
	rk_spawn "$c-sched" "$d/sched.log" "$RK_BIN/kube-scheduler" \
		--kubeconfig="$d/sched.kubeconfig" --authentication-kubeconfig="$d/sched.kubeconfig" \
		--authorization-kubeconfig="$d/sched.kubeconfig" \
		--bind-address=127.0.0.1 --secure-port=0 --leader-elect=false --v=1
	kport=$(rk_free_ports 1)
	rk_spawn "$c-kwok" "$d/kwok.log" "$RK_BIN/kwok" \
		--kubeconfig="$d/kwok.kubeconfig" --manage-all-nodes=false \
		--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
		--node-ip=127.0.0.1 --node-port="$kport" --server-address="127.0.0.1:$kport" \
		--cidr=127.1.0.0/16 --node-lease-duration-seconds=40 ${RK_KWOK_ARGS:-}
}

# rk_kubeconfig: contexts <c> (admin cert), <c>-viewer (token bound to the
# "view" ClusterRole), <c>-exec (exec credential plugin) for every cluster.
rk_kubeconfig() {
	local kc=$RK_DIR/kubeconfig p=$RK_DIR/pki c port first=""
	cat >"$RK_DIR/exec-plugin" <<-EOF
		#!/bin/sh
		# An exec credential plugin: prints a token for the opsdeck-exec user.
		echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"$RK_EXEC_TOKEN"}}'
	EOF
	chmod +x "$RK_DIR/exec-plugin"
	{
		echo "apiVersion: v1"
		echo "kind: Config"
		echo "clusters:"
		for c in "${RK_CLUSTERS[@]}"; do
			port=$(cat "$RK_DIR/$c/apiserver.port")
			echo "- name: $c"
			echo "  cluster: {server: \"https://127.0.0.1:$port\", certificate-authority: \"$p/ca.crt\"}"
		done
		echo "users:"
		echo "- name: realk8s-admin"
		echo "  user: {client-certificate: \"$p/admin.crt\", client-key: \"$p/admin.key\"}"
		echo "- name: realk8s-viewer"
		echo "  user: {token: \"$RK_VIEWER_TOKEN\"}"
		echo "- name: realk8s-exec"
		echo "  user:"
		echo "    exec: {apiVersion: client.authentication.k8s.io/v1, command: \"$RK_DIR/exec-plugin\", interactiveMode: Never}"
		echo "contexts:"
		for c in "${RK_CLUSTERS[@]}"; do
			[ -n "$first" ] || first=$c
			echo "- name: $c"
			echo "  context: {cluster: $c, user: realk8s-admin}"
			echo "- name: $c-viewer"
			echo "  context: {cluster: $c, user: realk8s-viewer}"
			echo "- name: $c-exec"
			echo "  context: {cluster: $c, user: realk8s-exec}"
		done
		echo "current-context: $first"
	} >"$kc"
}

rk_kubectl() { "${RK_KUBECTL:-kubectl}" --kubeconfig "$RK_DIR/kubeconfig" "$@"; }

# rk_nodes CLUSTER N: N kwok nodes over three zones.
rk_nodes() {
	local c=$1 n=$2 i zones=(a c d)
	for i in $(seq 1 "$n"); do
		cat <<-EOF
			---
			apiVersion: v1
			kind: Node
			metadata:
			  name: $c-node-$i
			  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
			  labels:
			    type: kwok
			    kubernetes.io/hostname: $c-node-$i
			    kubernetes.io/os: linux
			    kubernetes.io/arch: amd64
			    node.kubernetes.io/instance-type: m5.xlarge
			    topology.kubernetes.io/zone: ap-northeast-1${zones[$(((i - 1) % 3))]}
			    eks.amazonaws.com/nodegroup: general
			status:
			  allocatable: {cpu: "16", memory: 64Gi, pods: "110"}
			  capacity: {cpu: "16", memory: 64Gi, pods: "110"}
			  nodeInfo: {kubeletVersion: fake, architecture: amd64, operatingSystem: linux}
		EOF
	done
}

# rk_apply_estate CLUSTER: nodes, the Velero and Argo Rollouts CRDs, the
# viewer binding and the workloads in tests/realk8s/estate/.
rk_apply_estate() {
	local c=$1 crds=${RK_CRDS:-}
	rk_nodes "$c" "$RK_NODES" | rk_kubectl --context "$c" apply -f - >/dev/null
	if [ -n "$crds" ] && [ -d "$crds" ]; then
		rk_kubectl --context "$c" apply --server-side -f "$crds" >/dev/null
	fi
	rk_kubectl --context "$c" apply -f "$RK_HERE/estate/base.yaml" >/dev/null
	if [ -n "$crds" ] && [ -d "$crds" ]; then
		rk_kubectl --context "$c" wait --for condition=established --timeout=60s \
			crd/backups.velero.io crd/schedules.velero.io crd/rollouts.argoproj.io >/dev/null
		rk_kubectl --context "$c" apply -f "$RK_HERE/estate/crs.yaml" >/dev/null
	fi
}

# rk_start DIR CLUSTER...: start an estate of the named clusters in DIR.
rk_start() {
	RK_DIR=$1; shift
	RK_CLUSTERS=("$@")
	rk_have_binaries || { rk_log "binaries missing in $RK_BIN (run tests/realk8s/build.sh)"; return 1; }
	mkdir -p "$RK_DIR"
	: >"$RK_DIR/pids"
	rm -f "$RK_DIR/stop" "$RK_DIR/stopped"
	rk_watchdog
	cat >"$RK_DIR/audit-policy.yaml" <<-'EOF'
		apiVersion: audit.k8s.io/v1
		kind: Policy
		omitStages: [RequestReceived]
		rules:
		- level: None
		  userGroups: [system:nodes, system:serviceaccounts:kube-system]
		- level: None
		  users: [system:kube-controller-manager, system:kube-scheduler, kwok]
		- level: Metadata
	EOF
	rk_pki
	rk_etcd_start || return 1
	local c
	for c in "${RK_CLUSTERS[@]}"; do
		mkdir -p "$RK_DIR/$c"
		rk_apiserver_start "$c" >/dev/null
	done
	for c in "${RK_CLUSTERS[@]}"; do rk_wait_ready "$c" || return 1; done
	rk_kubeconfig
	for c in "${RK_CLUSTERS[@]}"; do rk_controllers_start "$c"; done
	for c in "${RK_CLUSTERS[@]}"; do rk_apply_estate "$c" || return 1; done
}
