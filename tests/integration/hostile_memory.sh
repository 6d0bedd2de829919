#!/usr/bin/env bash
# Memory is bounded by what is kept, whatever a server sends. `opsdeck get`
# lists a healthy cluster beside a hostile one (tests/integration/
# fake_kube.py modes huge: a 200 MB object; many: 100,000 items in one
# page; bomb: a gzip body that inflates without end). For each, its peak
# resident set (VmHWM) is at most twice that of a run against two healthy
# clusters, measured here, plus what the caps let it keep: two per-object
# caps (the object being read and its buffer's growth), or the row cap at
# 2 KiB a row. The hostile cluster's error is named on stderr and the
# healthy cluster's rows print.
# One object read whole (describe) is held to the per-object cap too.
. "$(dirname "$0")/../lib/common.sh"

peak_rss=$(cd "$(dirname "$0")/../lib" && pwd)/peak_rss.py
for m in healthy healthy2 huge many bomb; do start_fake "$m"; done

# run NAME KUBECONFIGS [ARGS...]: `get pods -A` on every context of the
# kubeconfigs, its peak RSS (kB) to $T/NAME.peak; sets rc.
run() {
	local name=$1 kcs=$2
	shift 2
	set +e
	KUBECONFIG=$kcs /usr/bin/python3 "$peak_rss" "$T/$name.peak" "$OPSDECK" get pods -A \
		--all-contexts "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	set -e
}

run base "$T/fake-healthy.kubeconfig:$T/fake-healthy2.kubeconfig"
[ "$rc" = 0 ] || { cat "$T/base.err"; fail "healthy: exit $rc"; }
base=$(cat "$T/base.peak")
[ "$(grep -cE '^fake-healthy2? +default +pod-a0 ' "$T/base.out")" = 2 ] ||
	{ cat "$T/base.out"; fail "healthy: rows missing"; }
echo "baseline peak RSS: $base kB"

obj_kb=$((8 * 1024))	# the default per-object cap, 8 MiB
# check NAME LIMIT_KB ERROR: the run NAME failed with ERROR on stderr for
# its hostile cluster, printed the healthy rows, and peaked under
# 2 x baseline + LIMIT_KB.
check() {
	local name=$1 allow=$2 want=$3 peak
	peak=$(cat "$T/$name.peak")
	cat "$T/$name.err"
	[ "$rc" != 0 ] || fail "$name: exit 0"
	assert_contains "$(cat "$T/$name.err")" "$want" "$name: stderr"
	grep -qE '^fake-healthy +default +pod-a0 ' "$T/$name.out" ||
		{ head -5 "$T/$name.out"; fail "$name: the healthy cluster's row did not print"; }
	[ "$peak" -le $((2 * base + allow)) ] ||
		fail "$name: peak RSS $peak kB over 2 x $base + $allow kB"
	ok "$name: peak RSS $peak kB (bound $((2 * base + allow)) kB), a clear error, healthy rows print"
}

run huge "$T/fake-healthy.kubeconfig:$T/fake-huge.kubeconfig"
check huge $((2 * obj_kb)) \
	"fake-huge: pods: error: an object in the list is over 8388608 bytes (the per-object cap)"

run bomb "$T/fake-bomb.kubeconfig:$T/fake-healthy.kubeconfig"
check bomb $((2 * obj_kb)) \
	"fake-bomb: pods: error: an object in the list is over 8388608 bytes (the per-object cap)"

run many "$T/fake-healthy.kubeconfig:$T/fake-many.kubeconfig" --max-rows 20000
check many $((20000 * 2)) \
	"fake-many: pods: error: row cap: cluster fake-many keeps at most 20000 rows (all kinds together), so pods is incomplete"
rows=$(grep -c '^fake-many ' "$T/many.out" || true)
[ "$rows" = 20000 ] || fail "many: $rows rows of fake-many printed, not the 20000 kept"

# A smaller object cap is honoured too (and named).
run huge-small "$T/fake-healthy.kubeconfig:$T/fake-huge.kubeconfig" --max-object-size 1Mi
check huge-small 2048 "fake-huge: pods: error: an object in the list is over 1048576 bytes"

# One object read whole (describe's GET of the 200 MB pod) is held to the
# same per-object cap, and the error names it.
set +e
KUBECONFIG=$T/fake-huge.kubeconfig /usr/bin/python3 "$peak_rss" "$T/one.peak" "$OPSDECK" \
	describe pod pod-huge -n default >"$T/one.out" 2>"$T/one.err"
rc=$?
set -e
cat "$T/one.err"
[ "$rc" != 0 ] || fail "describe of a 200 MB object: exit 0"
assert_contains "$(cat "$T/one.err")" "the object is over 8388608 bytes (the per-object cap)" \
	"describe: stderr"
peak=$(cat "$T/one.peak")
[ "$peak" -le $((2 * base + 2 * obj_kb)) ] ||
	fail "describe of a 200 MB object: peak RSS $peak kB over 2 x $base + $((2 * obj_kb)) kB"
ok "describe of a 200 MB object: stopped at the per-object cap, named; peak RSS $peak kB"
