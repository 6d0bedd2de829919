#!/usr/bin/env bash
# `opsdeck get -o json` writes each row as jansson's compact dump with
# JSON_ENSURE_ASCII would: members in order (cluster, kind, resource,
# namespace, name, uid, labels, cells), '"' and '\' escaped, a control
# character the sanitiser made visible ("\x01") keeps its backslash
# escaped, everything past ASCII as \uXXXX in upper-case hex (a surrogate
# pair past U+FFFF), '/' and spaces as they are. The output parses, and the
# strings decode back to the sanitised text.
. "$(dirname "$0")/../lib/common.sh"

KUBECTL=${KUBECTL:-/usr/bin/kubectl}
start_drill estate
ctx=$("$KUBECTL" config get-contexts -o name | grep -v @ | head -1)
ns=$("$KUBECTL" get ns --context "$ctx" -o jsonpath='{.items[0].metadata.name}')
[ -n "$ns" ] || fail "no namespace on $ctx"
# the label value: é, a rocket (past U+FFFF), a quote, a backslash, a
# slash, a tab, DEL and a control character
cat >"$T/odd.json" <<EOF
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"odd-json","namespace":"$ns",
 "labels":{"app":"caf\u00e9 \ud83d\ude80 \"q\" back\\\\slash /sl tab\tdel\u007f ctl\u0001"}},
 "spec":{"containers":[{"name":"c","image":"nginx"}]}}
EOF
"$KUBECTL" --context "$ctx" apply -f "$T/odd.json" >/dev/null || fail "apply odd-json"

"$OPSDECK" get pods -n "$ns" --context "$ctx" -o json >"$T/out" || fail "get -o json"
line=$(grep '"name":"odd-json"' "$T/out") || { cat "$T/out"; fail "odd-json not listed"; }
want='"labels":"app=caf\u00E9 \uD83D\uDE80 \"q\" back\\slash /sl tab del\\x7f ctl\\x01"'
assert_contains "$line" "$want" "odd-json's labels"
case $line in
"  {\"cluster\":\"$ctx\",\"kind\":\"Pod\",\"resource\":\"pods\",\"namespace\":\"$ns\",\"name\":\"odd-json\",\"uid\":\""*'","labels":"'*'","cells":{"NAME":"odd-json","READY":'*'}},' | \
"  {\"cluster\":\"$ctx\",\"kind\":\"Pod\",\"resource\":\"pods\",\"namespace\":\"$ns\",\"name\":\"odd-json\",\"uid\":\""*'","labels":"'*'","cells":{"NAME":"odd-json","READY":'*'}}')
	;;
*)	fail "odd-json's members are not in order: $line" ;;
esac
/usr/bin/python3 - "$T/out" <<'PY' || fail "the output does not decode to the sanitised text"
import json, sys
rows = json.load(open(sys.argv[1]))
odd = [r for r in rows if r["name"] == "odd-json"]
assert len(odd) == 1, odd
want = "app=caf\u00e9 \U0001f680 \"q\" back\\slash /sl tab del\\x7f ctl\\x01"
assert odd[0]["labels"] == want, (odd[0]["labels"], want)
assert list(odd[0]) == ["cluster", "kind", "resource", "namespace", "name", "uid",
                        "labels", "cells"], list(odd[0])
assert all(isinstance(r["cells"], dict) and r["cells"]["NAME"] == r["name"] for r in rows)
PY
ok "get -o json: members in order, escaped as jansson's ENSURE_ASCII dump, decodes back"
