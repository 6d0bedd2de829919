# Helpers for the tests that run opsdeck against a real control plane
# (tests/integration/realk8s_*.sh). Source this instead of common.sh: it
# notes the real cache folders before common.sh points HOME and the XDG
# folders at the test's private directory, so the binaries built by
# tests/realk8s/build.sh (and Go's own caches) are found and reused.
_rk_home=${HOME:-/root}
export OPSDECK_REALK8S_CACHE=${OPSDECK_REALK8S_CACHE:-${XDG_CACHE_HOME:-$_rk_home/.cache}/opsdeck/realk8s}
if [ -x /usr/local/go/bin/go ] || command -v go >/dev/null 2>&1; then
	_rk_go=$(command -v go || echo /usr/local/go/bin/go)
	export GOCACHE=${GOCACHE:-$(HOME=$_rk_home "$_rk_go" env GOCACHE)}
	export GOMODCACHE=${GOMODCACHE:-$(HOME=$_rk_home "$_rk_go" env GOMODCACHE)}
	export GOPATH=${GOPATH:-$(HOME=$_rk_home "$_rk_go" env GOPATH)}
fi
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RK_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export RK_CRDS=$SHARED/fixtures/crds
# kubectl one minor version from the server's (1.34).
RK_KUBECTL=${RK_KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
[ -x "$RK_KUBECTL" ] || RK_KUBECTL=kubectl
export RK_KUBECTL
RK_OWNER=$$
. "$RK_REPO/tests/realk8s/realk8s.sh"

# realk8s_up CLUSTER...: build (or reuse) the binaries, start an estate of
# the named clusters in $T/rk, export KUBECONFIG. Skips (77) without Go.
realk8s_up() {
	local rc=0
	"$RK_REPO/tests/realk8s/build.sh" || rc=$?
	case $rc in
	0) ;;
	3) skip "no Go toolchain to build the real control plane (install Go at /usr/local/go)" ;;
	*) fail "tests/realk8s/build.sh failed (rc=$rc)" ;;
	esac
	on_exit rk_stop
	rk_start "$T/rk" "$@" || { rk_dump_logs; fail "real estate did not start"; }
	export KUBECONFIG=$RK_DIR/kubeconfig
}

# rk_dump_logs: the tail of every component log, for a failing test.
rk_dump_logs() {
	local f
	for f in "$RK_DIR"/etcd.log "$RK_DIR"/*/*.log; do
		[ -e "$f" ] || continue
		case $f in *audit.log) continue ;; esac
		echo "== $f" >&2
		tail -n 15 "$f" >&2
	done
}

kc() { "$RK_KUBECTL" --kubeconfig "$RK_DIR/kubeconfig" "$@"; }

# rk_settled CONTEXT: every pod Running with all its containers ready (or
# Completed) and every deployment's replicas all available.
rk_settled() {
	local ctx=$1
	kc --context "$ctx" get pods -A --no-headers 2>/dev/null |
		awk '{ split($3, r, "/") }
		     !($4 == "Running" && r[1] == r[2]) && $4 != "Completed" { bad = 1 }
		     END { exit bad }' || return 1
	[ -n "$(kc --context "$ctx" get pods -A --no-headers 2>/dev/null)" ] || return 1
	kc --context "$ctx" get deploy -A --no-headers 2>/dev/null |
		awk '{ split($3, r, "/"); if (r[1] != r[2] || $5 != r[2]) bad = 1 } END { exit bad }'
}
