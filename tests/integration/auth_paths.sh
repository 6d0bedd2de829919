#!/usr/bin/env bash
# Every way of authenticating to a cluster works end to end against the drill:
# client certificate, bearer token, tokenFile (relative to its kubeconfig),
# exec plugin (including a token the server has expired, fetched again after
# the 401), tls-server-name; and the failures are clear and stay with their
# own cluster: a failing plugin (the real gke-gcloud-auth-plugin), a wrong
# CA, a wrong tls-server-name, a rejected token.
. "$(dirname "$0")/../lib/common.sh"

KUBECTL=${KUBECTL:-/usr/bin/kubectl}
GKE_PLUGIN=/usr/lib/google-cloud-sdk/bin/gke-gcloud-auth-plugin
command -v jq >/dev/null || skip "jq is not installed"
command -v openssl >/dev/null || skip "openssl is not installed"

scenario=estate
[ -f "$TESTS_DIR/../drill/scenarios/estate.yaml" ] || scenario=$TESTS_DIR/data/mini-estate.json
start_drill "$scenario"
DRILL_KC=$KUBECONFIG
C=$(jq -r '.clusters[0].name' "$DRILL_KC")
SERVER=$(jq -r '.clusters[0].cluster.server' "$DRILL_KC")

# The pod names kubectl sees on the first cluster: what every path must show.
want=$("$KUBECTL" --context "$C" get pods -A --no-headers \
	-o custom-columns=NS:.metadata.namespace,NAME:.metadata.name | sort)
[ -n "$want" ] || fail "kubectl sees no pods on $C"

# names CONTEXT [opsdeck args]: "namespace name" lines opsdeck prints for pods.
names() {
	local ctx=$1; shift
	"$OPSDECK" get pods -A --context "$ctx" -o json "$@" 2>"$T/err" |
		jq -r '.[] | "\(.namespace) \(.name)"' | sort | sed 's/ \+/ /'
}
want=$(printf '%s\n' "$want" | sed 's/ \+/ /')

# expect_rows CONTEXT WHAT [opsdeck args]
expect_rows() {
	local ctx=$1 what=$2 got; shift 2
	got=$(names "$ctx" "$@") || true
	if [ "$got" != "$want" ]; then
		cat "$T/err" >&2
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2 || true
		fail "$what: opsdeck's pods differ from kubectl's"
	fi
	ok "$what"
}

expect_rows "$C" "client certificate (admin context)"
expect_rows "viewer@$C" "bearer token (viewer context)"
expect_rows "exec@$C" "exec plugin (opsdeck drill credential)"

# A kubeconfig of our own next to its files, read from another directory.
mkdir -p "$T/kc"
jq -r '.users[] | select(.name=="drill-viewer") | .user.token' "$DRILL_KC" >"$T/kc/viewer.token"
jq -r '.clusters[0].cluster["certificate-authority-data"]' "$DRILL_KC" | base64 -d >"$T/kc/ca.pem"
secret=$(jq -r '.users[] | select(.name=="drill-exec") | .user.exec.env[] |
	select(.name=="OPSDECK_DRILL_SECRET") | .value' "$DRILL_KC")
[ -n "$secret" ] || fail "the drill kubeconfig has no exec secret"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/kc/other.key" -out "$T/kc/other-ca.pem" \
	-subj /CN=not-the-drill -days 1 2>/dev/null || fail "openssl could not make a CA"

# The expiring plugin: its first credential is a real drill token that it
# waits out (the server then answers 401) while claiming a far expiry, so
# only the 401 can make the client run it again; later runs are normal.
cat >"$T/kc/expiring-plugin" <<'EOF'
#!/bin/sh
echo "run" >>"$LOG"
if [ ! -e "$LOG.first" ]; then
	: >"$LOG.first"
	cred=$(OPSDECK_DRILL_TOKEN_TTL=1 "$OPSDECK_BIN" drill credential) || exit 1
	exp=$(printf '%s' "$cred" | jq -r .status.expirationTimestamp)
	end=$(date -d "$exp" +%s)
	while [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
	printf '%s' "$cred" | jq -c '.status.expirationTimestamp = "2099-01-01T00:00:00Z"'
else
	exec "$OPSDECK_BIN" drill credential
fi
EOF
chmod +x "$T/kc/expiring-plugin"

cat >"$T/kc/config" <<EOF
apiVersion: v1
kind: Config
current-context: tokenfile
clusters:
- name: drill
  cluster:
    server: $SERVER
    certificate-authority: ca.pem
- name: drill-by-name
  cluster:
    server: $SERVER
    certificate-authority: ca.pem
    tls-server-name: localhost
- name: drill-wrong-name
  cluster:
    server: $SERVER
    certificate-authority: ca.pem
    tls-server-name: wrong.example
- name: drill-wrong-ca
  cluster:
    server: $SERVER
    certificate-authority: other-ca.pem
users:
- name: tokenfile
  user:
    tokenFile: viewer.token
- name: bad-token
  user:
    token: not-a-drill-token
- name: expiring
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./expiring-plugin
      interactiveMode: Never
      env:
      - {name: OPSDECK_DRILL_SECRET, value: "$secret"}
      - {name: OPSDECK_BIN, value: "$OPSDECK"}
      - {name: LOG, value: "$T/kc/expiring.log"}
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $GKE_PLUGIN
      installHint: Install gke-gcloud-auth-plugin for use with kubectl
      provideClusterInfo: true
      env:
      - {name: HOME, value: "$T/gke-home"}
      - {name: CLOUDSDK_CONFIG, value: "$T/gke-home/gcloud"}
contexts:
- {name: tokenfile, context: {cluster: drill, user: tokenfile}}
- {name: by-name, context: {cluster: drill-by-name, user: tokenfile}}
- {name: wrong-name, context: {cluster: drill-wrong-name, user: tokenfile}}
- {name: wrong-ca, context: {cluster: drill-wrong-ca, user: tokenfile}}
- {name: bad-token, context: {cluster: drill, user: bad-token}}
- {name: expiring, context: {cluster: drill, user: expiring}}
- {name: gke, context: {cluster: drill, user: gke}}
EOF
mkdir -p "$T/elsewhere" "$T/gke-home"
cd "$T/elsewhere"
export KUBECONFIG=$T/kc/config

expect_rows tokenfile "tokenFile resolved next to its kubeconfig"
# kubectl agrees the same kubeconfig is valid (relative paths and all)
"$KUBECTL" --context tokenfile get pods -A >/dev/null 2>"$T/kerr" || { cat "$T/kerr" >&2; fail "kubectl rejects the tokenFile kubeconfig"; }
expect_rows by-name "tls-server-name matching the certificate"

expect_rows expiring "exec token expired by the server is fetched again"
runs=$(wc -l <"$T/kc/expiring.log")
[ "$runs" -eq 2 ] || fail "expiring plugin ran $runs times, want 2 (once, then once after the 401)"
ok "the plugin ran exactly twice: first token, then after the 401"

# failures: clear messages, each for its own cluster only
out=$("$OPSDECK" get pods -A --context wrong-ca 2>&1) && fail "wrong CA accepted"
assert_contains "$out" "wrong-ca"
assert_contains "$out" "tls"
assert_contains "$out" "certificate"
ok "wrong CA: $(printf '%s' "$out" | head -n 1)"

out=$("$OPSDECK" get pods -A --context wrong-name 2>&1) && fail "wrong tls-server-name accepted"
assert_contains "$out" "wrong.example"
ok "wrong tls-server-name: $(printf '%s' "$out" | head -n 1)"

out=$("$OPSDECK" get pods -A --context bad-token 2>&1) && fail "bad token accepted"
assert_contains "$out" "bad-token"
assert_contains "$out" "nauthorized"
ok "rejected token: $(printf '%s' "$out" | head -n 1)"

if [ -x "$GKE_PLUGIN" ]; then
	rc=0
	"$OPSDECK" get pods -A --context gke,tokenfile -o json >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -ne 0 ] || fail "a failing plugin did not make get fail"
	err=$(cat "$T/err")
	assert_contains "$err" "gke"
	assert_contains "$err" "print credential failed"
	assert_contains "$err" "Install gke-gcloud-auth-plugin"
	assert_not_contains "$err" "tokenfile:" "errors"
	got=$(jq -r '.[] | select(.cluster=="tokenfile") | "\(.namespace) \(.name)"' "$T/out" | sort)
	[ "$got" = "$want" ] || fail "the healthy cluster's rows are missing next to the failing plugin"
	ok "failing gke-gcloud-auth-plugin: its message for its cluster, the other cluster listed"
else
	echo "note: $GKE_PLUGIN not installed, its case not run"
fi
