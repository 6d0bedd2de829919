# Helpers for tests that talk to the drill API server directly (sourced after
# common.sh): a scenario to serve, curl with the kubeconfig's credentials.

# The scenario the API tests serve: the healthy estate.
drill_test_scenario() {
	echo estate
}

# kc_extract: write ca.pem, admin.crt, admin.key and viewer.token under $T from
# $KUBECONFIG, and set SERVER to the first cluster's URL.
kc_extract() {
	jq -r '.clusters[0].cluster["certificate-authority-data"]' "$KUBECONFIG" | base64 -d >"$T/ca.pem"
	jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' \
		"$KUBECONFIG" | base64 -d >"$T/admin.crt"
	jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' \
		"$KUBECONFIG" | base64 -d >"$T/admin.key"
	jq -r '.users[] | select(.name=="drill-viewer") | .user.token' "$KUBECONFIG" >"$T/viewer.token"
	SERVER=$(jq -r '.clusters[0].cluster.server' "$KUBECONFIG")
}

# acurl ARGS...: curl as the admin (client certificate), CA verified.
acurl() {
	curl -sS --max-time 30 --cacert "$T/ca.pem" --cert "$T/admin.crt" --key "$T/admin.key" "$@"
}

# vcurl ARGS...: curl as the viewer (bearer token).
vcurl() {
	curl -sS --max-time 30 --cacert "$T/ca.pem" -H "Authorization: Bearer $(cat "$T/viewer.token")" "$@"
}

# ncurl ARGS...: curl without credentials.
ncurl() {
	curl -sS --max-time 30 --cacert "$T/ca.pem" "$@"
}

# expect_status CODE REASON OUTPUT: OUTPUT ends with the HTTP code on its own
# line (curl -w '\n%{http_code}') after a Status body with REASON.
expect_status() {
	local want=$1 reason=$2 out=$3 code body
	code=$(printf '%s\n' "$out" | tail -n 1)
	body=$(printf '%s\n' "$out" | sed '$d')
	[ "$code" = "$want" ] || { printf '%s\n' "$out" >&2; fail "HTTP $code, want $want"; }
	[ "$(printf '%s' "$body" | jq -r .kind)" = Status ] || fail "body is not a Status: $body"
	[ "$(printf '%s' "$body" | jq -r .reason)" = "$reason" ] || fail "reason is not $reason: $body"
	[ "$(printf '%s' "$body" | jq -r .code)" = "$want" ] || fail "code field is not $want: $body"
}
