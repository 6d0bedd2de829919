#!/usr/bin/env bash
# Starts a real Kubernetes estate on loopback and keeps it up until
# interrupted (Ctrl-C) or until the process that started it is gone:
#   tests/realk8s/start.sh [-d DIR] [-n NODES] [CLUSTER...]
# Default clusters: real-tokyo real-osaka. Builds the binaries first if they
# are missing or out of date (tests/realk8s/build.sh). Prints the
# kubeconfig path: contexts CLUSTER (admin), CLUSTER-viewer (RBAC "view")
# and CLUSTER-exec (exec credential plugin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=""
while getopts d:n: o; do
	case $o in
	d) dir=$OPTARG ;;
	n) export RK_NODES=$OPTARG ;;
	*) echo "usage: $0 [-d DIR] [-n NODES] [CLUSTER...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- real-tokyo real-osaka
[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-realk8s.XXXXXX")

"$here/build.sh"
shared=$(cd "$here/../../.." && pwd)/shared
export RK_CRDS=${RK_CRDS:-$shared/fixtures/crds}
. "$here/realk8s.sh"
trap 'rk_stop; [ -z "${nap:-}" ] || kill "$nap" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
rk_start "$dir" "$@"
echo "realk8s: estate up in $((SECONDS - t0))s: $*"
echo "realk8s: export KUBECONFIG=$dir/kubeconfig"
echo "realk8s: logs in $dir/<cluster>/; Ctrl-C stops everything"
# wait, not a foreground sleep: a signal then runs the traps at once (and
# after a kill -9 no long sleep is left behind).
while :; do sleep 1 & nap=$!; wait "$nap"; done
