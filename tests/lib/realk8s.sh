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

# cells FILE: the rows of a kubectl-style table as "NAMESPACE/NAME<TAB>COL=cell..."
# lines, sorted, for every column but AGE; opsdeck's CLUSTER column is
# dropped. Columns start where their header starts (cells may hold spaces,
# e.g. RESTARTS "1 (5s ago)").
cells() {
	/usr/bin/python3 - "$1" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
if not lines:
    sys.exit(0)
head = lines[0]
# a header may hold one space ("NOMINATED NODE"); columns are apart by more
cols = list(re.finditer(r"\S+(?: \S+)*", head))
starts = [m.start() for m in cols]
names = [m.group() for m in cols]
rows = []
for l in lines[1:]:
    cell = {}
    for i, n in enumerate(names):
        end = starts[i + 1] if i + 1 < len(starts) else len(l)
        cell[n] = l[starts[i]:end].strip()
    key = cell.get("NAMESPACE", "") + "/" + cell["NAME"]
    # RESTARTS may say how long ago the last one was: that part ticks.
    if "RESTARTS" in cell:
        cell["RESTARTS"] = cell["RESTARTS"].split(" ")[0]
    rest = "\t".join(f"{n}={cell[n]}" for n in names
                     if n not in ("CLUSTER", "NAMESPACE", "NAME", "AGE"))
    rows.append(f"{key}\t{rest}")
print("\n".join(sorted(rows)))
PY
}

# same_cells KIND CONTEXT [ARGS]: opsdeck's and kubectl's rows and cells
# agree (up to 5 tries: a pod can change between the two requests).
same_cells() {
	local kind=$1 c=$2 try
	shift 2
	for try in 1 2 3 4 5; do
		kc --context "$c" get "$kind" -A "$@" >"$T/k.out" 2>"$T/k.err" ||
			{ cat "$T/k.err" >&2; fail "kubectl get $kind -A $* --context $c failed"; }
		"$OPSDECK" get "$kind" -A --context "$c" "$@" >"$T/o.out" 2>"$T/o.err" ||
			{ cat "$T/o.err" >&2; fail "opsdeck get $kind -A $* --context $c failed"; }
		head -n 1 "$T/o.out" | grep -q '^CLUSTER ' || { cat "$T/o.out" >&2; fail "opsdeck $kind: no CLUSTER column"; }
		awk -v c="$c" 'NR > 1 && $1 != c { bad = 1 } END { exit bad }' "$T/o.out" ||
			fail "opsdeck $kind: a row is not labelled $c"
		cells "$T/k.out" >"$T/k.cells"
		cells "$T/o.out" >"$T/o.cells"
		[ -s "$T/k.cells" ] || fail "kubectl listed no $kind"
		cmp -s "$T/k.cells" "$T/o.cells" && return 0
		sleep 1
	done
	diff -u "$T/k.cells" "$T/o.cells" >&2 || true
	fail "$kind -A $* on $c: opsdeck's rows or cells differ from kubectl's"
}
