#!/usr/bin/env bash
# Every way of authenticating to a cluster works end to end against the drill:
# client certificate, bearer token, tokenFile (relative to its kubeconfig),
# exec plugins (a token; a client certificate; a token the server has
# expired, fetched again after the 401), tls-server-name, selection by a
# config.yaml group; and the failures are clear and stay with their own
# cluster: a failing plugin (the real gke-gcloud-auth-plugin), a wrong CA, a
# wrong tls-server-name, a rejected token.
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

# kube_rows: "namespace name" of the first cluster's pods as kubectl sees them.
kube_rows() {
	"$KUBECTL" --kubeconfig "$DRILL_KC" --context "$C" get pods -A --no-headers \
		-o custom-columns=NS:.metadata.namespace,NAME:.metadata.name | sed 's/ \+/ /' | sort
}
[ -n "$(kube_rows)" ] || fail "kubectl sees no pods on $C"

# names CONTEXT [opsdeck args]: "namespace name" lines opsdeck prints for pods.
names() {
	local ctx=$1; shift
	"$OPSDECK" get pods -A --context "$ctx" -o json "$@" 2>"$T/err" |
		jq -r '.[] | "\(.namespace) \(.name)"' | sort
}

# agree WHAT COMMAND...: COMMAND prints the rows kubectl prints just before
# or just after it. The drill's controllers change pods as time passes, so a
# mismatch is retried (5 times) before it fails.
agree() {
	local what=$1 k1 k2 got i; shift
	for i in 1 2 3 4 5; do
		k1=$(kube_rows)
		got=$("$@") || true
		k2=$(kube_rows)
		[ -n "$k1" ] || fail "kubectl sees no pods on $C"
		if [ "$got" = "$k1" ] || [ "$got" = "$k2" ]; then
			ok "$what"
			return 0
		fi
	done
	cat "$T/err" >&2
	diff <(printf '%s\n' "$k2") <(printf '%s\n' "$got") >&2 || true
	fail "$what: opsdeck's pods differ from kubectl's"
}

# expect_rows CONTEXT WHAT [opsdeck args]
expect_rows() {
	local ctx=$1 what=$2; shift 2
	agree "$what" names "$ctx" "$@"
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
jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$DRILL_KC" |
	base64 -d >"$T/kc/admin.crt"
jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$DRILL_KC" |
	base64 -d >"$T/kc/admin.key"
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

# A plugin that answers with a client certificate instead of a token.
cat >"$T/kc/cert-plugin" <<'EOF'
#!/bin/sh
jq -n --rawfile c "$DIR/admin.crt" --rawfile k "$DIR/admin.key" \
	'{apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential",
	  status: {clientCertificateData: $c, clientKeyData: $k}}'
EOF
chmod +x "$T/kc/cert-plugin"

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
- name: file-wins
  user:
    token: not-a-drill-token
    tokenFile: viewer.token
- name: file-wins-bad
  user:
    token: $(cat "$T/kc/viewer.token")
    tokenFile: bad.token
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
- name: exec-cert
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./cert-plugin
      env: [{name: DIR, value: "$T/kc"}]
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
- {name: file-wins, context: {cluster: drill, user: file-wins}}
- {name: file-wins-bad, context: {cluster: drill, user: file-wins-bad}}
- {name: expiring, context: {cluster: drill, user: expiring}}
- {name: exec-cert, context: {cluster: drill, user: exec-cert}}
- {name: gke, context: {cluster: drill, user: gke}}
EOF
echo not-a-drill-token >"$T/kc/bad.token"
mkdir -p "$T/elsewhere" "$T/gke-home"
cd "$T/elsewhere"
export KUBECONFIG=$T/kc/config

expect_rows tokenfile "tokenFile resolved next to its kubeconfig"
# kubectl agrees the same kubeconfig is valid (relative paths and all)
"$KUBECTL" --context tokenfile get pods -A >/dev/null 2>"$T/kerr" || { cat "$T/kerr" >&2; fail "kubectl rejects the tokenFile kubeconfig"; }
expect_rows by-name "tls-server-name matching the certificate"

# token and tokenFile both set: the file's token is sent (client-go re-reads
# the file and prefers it), as kubectl does.
expect_rows file-wins "token and tokenFile: the file's token is used"
"$KUBECTL" --context file-wins get pods -A >/dev/null 2>&1 || fail "kubectl does not prefer the tokenFile"
rc=0
out=$("$OPSDECK" get pods -A --context file-wins-bad 2>&1) || rc=$?
[ "$rc" -ne 0 ] || fail "a bad tokenFile next to a good token was not used"
assert_contains "$out" "nauthorized"
"$KUBECTL" --context file-wins-bad get pods -A >/dev/null 2>&1 && fail "kubectl used the inline token"
ok "a bad tokenFile beats a good token, in opsdeck and in kubectl"

# One run only: a retry would run the plugin again.
rc=0
"$OPSDECK" get pods -A --context expiring -o json >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$T/err" >&2; fail "the expiring exec context failed"; }
runs=$(wc -l <"$T/kc/expiring.log")
[ "$runs" -eq 2 ] || fail "expiring plugin ran $runs times, want 2 (once, then once after the 401)"
[ "$(jq length "$T/out")" -gt 0 ] || fail "the expiring exec context listed no pods"
ok "exec token expired by the server: the 401 ran the plugin exactly once more, pods listed"
expect_rows expiring "exec context rows equal kubectl's"
expect_rows exec-cert "exec plugin returning a client certificate and key"

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

# gke_rows: get on the failing-plugin context next to a healthy one; the
# healthy one's rows (stderr kept in $T/err, the exit status in $T/rc).
gke_rows() {
	local rc=0
	"$OPSDECK" get pods -A --context gke,tokenfile -o json >"$T/out" 2>"$T/err" || rc=$?
	echo "$rc" >"$T/rc"
	jq -r '.[] | select(.cluster=="tokenfile") | "\(.namespace) \(.name)"' "$T/out" | sort
}
if [ -x "$GKE_PLUGIN" ]; then
	agree "failing plugin: the other cluster is still listed" gke_rows
	[ "$(cat "$T/rc")" -ne 0 ] || fail "a failing plugin did not make get fail"
	err=$(cat "$T/err")
	assert_contains "$err" "gke"
	assert_contains "$err" "print credential failed"
	assert_contains "$err" "Install gke-gcloud-auth-plugin"
	assert_not_contains "$err" "tokenfile:" "errors"
	ok "failing gke-gcloud-auth-plugin: $(printf '%s' "$err" | head -n 1 | cut -c1-150)..."
else
	echo "note: $GKE_PLUGIN not installed, its case not run"
fi

# Cluster selection by a group from config.yaml.
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'EOF2'
groups:
  pair: [tokenfile, by-name]
contexts:
  tokenfile: {role: primary, protected: true}
EOF2
# group_rows CLUSTER: that member's rows from one get of the group.
group_rows() {
	"$OPSDECK" get pods -A --context pair -o json >"$T/out" 2>"$T/err" || return 1
	jq -r '[.[].cluster] | unique | join(",")' "$T/out" >"$T/clusters"
	jq -r --arg c "$1" '.[] | select(.cluster==$c) | "\(.namespace) \(.name)"' "$T/out" | sort
}
for ctx in tokenfile by-name; do
	agree "group member $ctx listed" group_rows "$ctx"
	[ "$(cat "$T/clusters")" = "by-name,tokenfile" ] || fail "group 'pair' selected '$(cat "$T/clusters")'"
done
ok "config.yaml group selects its contexts"
out=$("$OPSDECK" get pods -A --context nosuchgroup 2>&1) && fail "an unknown group was accepted"
assert_contains "$out" "nosuchgroup"
ok "unknown context or group: $(printf '%s' "$out" | head -n 1)"
