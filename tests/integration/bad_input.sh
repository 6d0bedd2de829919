#!/usr/bin/env bash
# The drill API server answers bad requests with the Status errors the real
# API server sends, and keeps serving afterwards.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"

OPSDECK_DRILL_HISTORY=64 start_drill "$(drill_test_scenario)"
kc_extract

ns=$(acurl "$SERVER/api/v1/namespaces" | jq -r '.items[0].metadata.name')
[ -n "$ns" ] && [ "$ns" != null ] || fail "no namespace listed"
W='\n%{http_code}'

out=$(acurl -w "$W" -X POST -H 'Content-Type: application/json' --data '{"kind":"ConfigMap",' \
	"$SERVER/api/v1/namespaces/$ns/configmaps")
expect_status 400 BadRequest "$out"; ok "malformed JSON is 400 BadRequest"

out=$(acurl -w "$W" "$SERVER/api/v1/namespaces/$ns/frobnicators")
expect_status 404 NotFound "$out"; ok "unknown resource is 404"
out=$(acurl -w "$W" "$SERVER/apis/nosuch.example.com/v1")
expect_status 404 NotFound "$out"; ok "unknown group is 404"
out=$(acurl -w "$W" "$SERVER/api/v1/namespaces/$ns/configmaps/does-not-exist")
expect_status 404 NotFound "$out"
assert_contains "$out" 'configmaps \"does-not-exist\" not found'; ok "missing object is 404 with its name"

head -c $((4 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big"
out=$(acurl -w "$W" -X POST -H 'Content-Type: application/json' --data-binary @"$T/big" \
	"$SERVER/api/v1/namespaces/$ns/configmaps")
expect_status 413 RequestEntityTooLarge "$out"; ok "4 MiB body is 413"

acurl -X POST -H 'Content-Type: application/json' \
	--data "{\"metadata\":{\"name\":\"bad-input-cm\",\"namespace\":\"$ns\"},\"data\":{\"k\":\"v\"}}" \
	"$SERVER/api/v1/namespaces/$ns/configmaps" >/dev/null
out=$(acurl -w "$W" -X PATCH -H 'Content-Type: application/json-patch+json' \
	--data '[{"op":"test","path":"/data/k","value":"other"}]' \
	"$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm")
expect_status 422 Invalid "$out"; ok "failed json-patch test is 422"
out=$(acurl -w "$W" -X PATCH -H 'Content-Type: application/json-patch+json' --data '[{"op":' \
	"$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm")
expect_status 400 BadRequest "$out"; ok "malformed patch is 400"
out=$(acurl -w "$W" -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data 'a: b' \
	"$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm")
expect_status 415 UnsupportedMediaType "$out"; ok "apply patch is 415"
out=$(acurl -w "$W" -X PUT -H 'Content-Type: application/json' \
	--data "{\"metadata\":{\"name\":\"bad-input-cm\",\"namespace\":\"$ns\",\"resourceVersion\":\"1\"},\"data\":{}}" \
	"$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm")
expect_status 409 Conflict "$out"
assert_contains "$out" 'Operation cannot be fulfilled on configmaps \"bad-input-cm\": the object has been modified'
ok "stale update is 409 Conflict"
out=$(acurl -w "$W" -X POST -H 'Content-Type: application/json' \
	--data "{\"metadata\":{\"name\":\"bad-input-cm\"}}" "$SERVER/api/v1/namespaces/$ns/configmaps")
expect_status 409 AlreadyExists "$out"; ok "duplicate create is 409 AlreadyExists"

out=$(acurl -w "$W" -G --data-urlencode 'labelSelector=app in (a,' "$SERVER/api/v1/pods")
expect_status 400 BadRequest "$out"; ok "bad label selector is 400"
# a key or value a real API server's label rules refuse
out=$(acurl -w "$W" -G --data-urlencode 'labelSelector=a$=b' "$SERVER/api/v1/pods")
expect_status 400 BadRequest "$out"
assert_contains "$out" 'invalid label key \"a$\": name part must consist of alphanumeric characters'
out=$(acurl -w "$W" -G --data-urlencode 'labelSelector=app in (web,-x)' "$SERVER/api/v1/pods")
expect_status 400 BadRequest "$out"
assert_contains "$out" 'invalid label value \"-x\" for key \"app\"'
ok "a label key or value the API server refuses is 400, saying which and why"
out=$(acurl -w "$W" -G --data-urlencode 'fieldSelector=spec.bogus=1' "$SERVER/api/v1/pods")
expect_status 400 BadRequest "$out"
assert_contains "$out" "field label not supported: spec.bogus"; ok "unsupported field selector is 400"
out=$(acurl -w "$W" "$SERVER/api/v1/pods?watch=1&sendInitialEvents=true")
expect_status 422 Invalid "$out"; ok "sendInitialEvents without bookmarks is refused"
out=$(acurl -w "$W" "$SERVER/api/v1/namespaces/$ns/pods?dryRun=Some" -X POST -H 'Content-Type: application/json' --data '{}')
expect_status 422 Invalid "$out"
assert_contains "$out" 'CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value'
ok "dryRun=Some is 422, as a real API server answers"
out=$(acurl -w "$W" "$SERVER/api/v1/pods" -X POST -H 'Content-Type: application/json' --data '{}')
expect_status 405 MethodNotAllowed "$out"; ok "a create outside a namespace's path is 405"

# The routes: a verb a subresource does not serve is 405, an unknown
# subresource or a segment too many 404; a collection takes no update.
pod=$(acurl "$SERVER/api/v1/pods" | jq -r '.items[0].metadata | "\(.namespace)/pods/\(.name)"')
[ -n "$pod" ] && [ "$pod" != null/pods/null ] || fail "no pod listed"
P="$SERVER/api/v1/namespaces/$pod"
while read -r method url code reason what; do
	out=$(acurl -w "$W" -X "$method" -H 'Content-Type: application/json' \
	    $([ "$method" = GET ] || echo --data '{}') "$url")
	expect_status "$code" "$reason" "$out"; ok "$what"
done <<EOF
DELETE $P/status 405 MethodNotAllowed DELETE on pods/status is 405
GET $P/eviction 405 MethodNotAllowed GET on pods/eviction is 405
PUT $P/log 405 MethodNotAllowed PUT on pods/log is 405
GET $P/status/extra 404 NotFound a segment after a subresource is 404
GET $SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm/status 404 NotFound a subresource the kind lacks is 404
PUT $SERVER/api/v1/namespaces/$ns/configmaps 405 MethodNotAllowed PUT on a collection is 405
GET $SERVER/apis/authorization.k8s.io/v1/selfsubjectaccessreviews 405 MethodNotAllowed GET on selfsubjectaccessreviews is 405
GET $SERVER/nosuch 404 NotFound an unknown path is 404
EOF

out=$(ncurl -w "$W" "$SERVER/api/v1/pods")
expect_status 401 Unauthorized "$out"; ok "no credentials is 401"
out=$(ncurl -w "$W" -H 'Authorization: Bearer nope' "$SERVER/api/v1/pods")
expect_status 401 Unauthorized "$out"; ok "unknown token is 401"
out=$(ncurl -w "$W" "$SERVER/nosuch")
expect_status 401 Unauthorized "$out"; ok "no credentials on an unknown path is 401, not 404"
[ "$(ncurl "$SERVER/healthz")" = ok ] || fail "/healthz without credentials"
[ "$(ncurl "$SERVER/version" | jq -r .major)" = 1 ] || fail "/version without credentials"
ok "/healthz and /version answer without credentials"
out=$(vcurl -w "$W" -X DELETE "$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm")
expect_status 403 Forbidden "$out"
assert_contains "$out" "configmaps \\\"bad-input-cm\\\" is forbidden: User \\\"drill-viewer\\\" cannot delete resource \\\"configmaps\\\" in API group \\\"\\\" in the namespace \\\"$ns\\\""
ok "viewer delete is 403 with the API server's message"

# Exec-plugin tokens: valid until they expire, then 401.
secret=$(jq -r '.users[] | select(.name=="drill-exec") | .user.exec.env[] | select(.name=="OPSDECK_DRILL_SECRET") | .value' "$KUBECONFIG")
tok=$(OPSDECK_DRILL_SECRET=$secret OPSDECK_DRILL_TOKEN_TTL=2 "$OPSDECK" drill credential | jq -r .status.token)
out=$(ncurl -w "$W" -o /dev/null -H "Authorization: Bearer $tok" "$SERVER/api/v1/namespaces")
[ "$out" = $'\n200' ] || [ "$out" = 200 ] || fail "fresh exec token refused: $out"
forged="${tok%?}x"
out=$(ncurl -w "$W" -H "Authorization: Bearer $forged" "$SERVER/api/v1/namespaces")
expect_status 401 Unauthorized "$out"; ok "forged exec token is 401"
expired401() { [ "$(ncurl -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$SERVER/api/v1/namespaces")" = 401 ]; }
wait_for 30 expired401 || fail "expired exec token still accepted"
ok "exec token is refused once expired"

# A watch from a resourceVersion older than the history: one ERROR 410 event.
for i in $(seq 1 80); do
	acurl -X PATCH -H 'Content-Type: application/merge-patch+json' \
		--data "{\"data\":{\"n\":\"$i\"}}" "$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm" >/dev/null
done
out=$(acurl -w "$W" "$SERVER/api/v1/namespaces/$ns/configmaps?watch=1&resourceVersion=2&timeoutSeconds=5")
[ "$(printf '%s\n' "$out" | tail -n 1)" = 200 ] || fail "too-old watch not a 200 stream: $out"
ev=$(printf '%s\n' "$out" | sed '$d')
[ "$(printf '%s\n' "$ev" | wc -l)" -eq 1 ] || fail "more than one event: $ev"
[ "$(printf '%s' "$ev" | jq -r '.type + " " + .object.reason + " " + (.object.code|tostring)')" = "ERROR Expired 410" ] \
	|| fail "not an ERROR Expired 410 event: $ev"
assert_contains "$ev" "too old resource version: 2"; ok "too-old watch gets ERROR 410"

# Still serving.
[ "$(acurl "$SERVER/healthz")" = ok ] || fail "server stopped answering"
acurl "$SERVER/api/v1/namespaces/$ns/configmaps/bad-input-cm" | jq -e '.data.n == "80"' >/dev/null \
	|| fail "server lost state"
ok "server keeps serving"
kill -0 "$DRILL_PID" || fail "drill died"
