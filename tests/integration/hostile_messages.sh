#!/usr/bin/env bash
# A failing server is named for what it did: a redirect says where it
# pointed and that opsdeck does not follow redirects (the credentials stay
# with the cluster, as with kubectl); a 2 MB header line says the header
# is too large (curl calls it "Out of memory"); 300 KB of headers say so
# too. A kind the user may not list says "forbidden" once, then the
# server's message, as kubectl's "Error from server (Forbidden): <message>";
# rejected credentials say "unauthorized" once. Servers:
# tests/integration/fake_kube.py modes redirect, bigheader, manyheaders,
# forbid, auth.
. "$(dirname "$0")/../lib/common.sh"

for m in redirect bigheader manyheaders forbid auth; do start_fake "$m"; done
# get_err MODE: stderr of `get pods -A` against that fake (which fails).
get_err() {
	if "$OPSDECK" get pods -A --kubeconfig "$T/fake-$1.kubeconfig" >"$T/$1.out" 2>"$T/$1.err"; then
		fail "$1: exit 0"
	fi
	cat "$T/$1.err"
}

err=$(get_err redirect)
assert_contains "$err" "fake-redirect: pods: error: HTTP 302: redirected to https://login.example.invalid/sso?next=%1b" "redirect"
assert_contains "$err" "opsdeck does not follow redirects" "redirect"
[ "$(grep -c 'pods' "$T/fake-redirect.log")" -ge 1 ] || fail "redirect: no request"
assert_not_contains "$(cat "$T/fake-redirect.log")" "/sso" "the server log (the redirect was followed)"
ok "redirect: where it pointed, not followed"

err=$(get_err bigheader)
assert_contains "$err" "fake-bigheader: pods: error: response header too large" "2 MB header"
ok "a 2 MB header line: header too large"

err=$(get_err manyheaders)
assert_contains "$err" "Too large response headers" "300 KB of headers"
ok "300 KB of headers: too large"

# forbid: deployments answer 403, pods are served (and printed)
if "$OPSDECK" get deployments,pods -A --kubeconfig "$T/fake-forbid.kubeconfig" >"$T/forbid.out" 2>"$T/forbid.err"; then
	fail "forbid: exit 0"
fi
cat "$T/forbid.err"
want='opsdeck: fake-forbid: deployments: forbidden: deployments.apps is forbidden: User "test" cannot list resource "deployments" in API group "apps" at the cluster scope'
grep -qxF "$want" "$T/forbid.err" || fail "forbid: no line: $want"
assert_not_contains "$(cat "$T/forbid.err")" "forbidden: forbidden" "forbid"
assert_contains "$(cat "$T/forbid.out")" "pod-a" "forbid: the pods"
ok "a forbidden kind: 'forbidden' once, then the server's message"

err=$(get_err auth)
grep -qxF 'opsdeck: fake-auth: pods: unauthorized: Unauthorized' "$T/auth.err" || fail "auth: no line 'opsdeck: fake-auth: pods: unauthorized: Unauthorized'"
assert_not_contains "$err" "unauthorized: unauthorized" "auth"
ok "rejected credentials: 'unauthorized' once"
