#!/usr/bin/env bash
# A generateName the API server refuses gets the drill's same answer: the
# same create through `kubectl create -f` and as a raw POST, to the drill's
# staging cluster and to a real kube-apiserver (tests/realk8s/), compared
# word for word once the 5 random characters are masked. The API server
# checks the prefix as its kind's name rule with a trailing dash allowed,
# then the name it made (the prefix cut to 58 bytes, 5 characters added):
# 422 Invalid, metadata.generateName's complaint first, then
# metadata.name's, the made name in the message and details. Cases: '_'
# and upper case (both complaints), a prefix that only fails once a
# suffix follows ("a.-"), a lone "-", a 70-byte prefix (valid: cut), a
# 260-byte one (too long), for a ConfigMap (DNS-1123 subdomain), a
# Namespace (label, and its name label) and a Service (DNS-1035 label). A
# valid prefix is created on both, its name 5 characters longer.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"

start_drill estate
drill_kc=$KUBECONFIG
realk8s_up real-tokyo
real_kc=$KUBECONFIG
wait_for 120 "$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo get ns default ||
	{ rk_dump_logs; fail "the real API server does not answer"; }

# mask: the made names' random 5 characters as #####
# (the prefixes' letters are not in the suffix's alphabet)
mask() { sed -E 's/(Bad_|UP-|a\.-|"-|a{58}|y{58})[bcdfghjklmnpqrstvwxz2456789]{5}/\1#####/g'; }
long70=$(printf 'a%.0s' $(seq 70))
long260=$(printf 'y%.0s' $(seq 260))
diffs=0
for kind in configmap namespace service; do
	for gen in 'Bad_' 'UP-' 'a.-' '-' "$long70-" "$long260"; do
		case $kind in
		configmap) obj="{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"$gen\",\"namespace\":\"staging\"}}" ;;
		namespace) obj="{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"generateName\":\"$gen\"}}" ;;
		service) obj="{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"generateName\":\"$gen\",\"namespace\":\"staging\"},\"spec\":{\"ports\":[{\"port\":80}]}}" ;;
		esac
		printf '%s\n' "$obj" >"$T/obj.json"
		d=$(kubectl --kubeconfig "$drill_kc" --context staging create -f "$T/obj.json" -o name 2>&1 | mask) && :
		r=$("$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo create -f "$T/obj.json" -o name 2>&1 | mask) && :
		label="$kind generateName ${gen:0:12} (${#gen} bytes)"
		if [ "$d" = "$r" ] && [ -n "$r" ]; then
			echo "ok - $label: ${r:0:150}"
		else
			diffs=$((diffs + 1))
			printf 'DIFF %s\n  drill: %s\n  real:  %s\n' "$label" "$d" "$r"
		fi
	done
done
[ "$diffs" -eq 0 ] || fail "$diffs generateName answers differ (kubectl create)"
ok "kubectl create: the drill's refusals of generateName read as the real server's"

# the raw Status: code, reason, message and details (causes) the same
PYTHONPATH=$RK_REPO/tests/lib /usr/bin/python3 - "$drill_kc" "$real_kc" <<'PY' || fail "the raw answers differ"
import json, re, sys
from kube_probe import Conn

drill = Conn(sys.argv[1], "staging")
real = Conn(sys.argv[2], "real-tokyo")
SFX = re.compile(r'(?<=Bad_|.UP-)[bcdfghjklmnpqrstvwxz2456789]{5}')
bad = 0
cases = [("/api/v1/namespaces/staging/configmaps",
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "Bad_"}}),
         ("/api/v1/namespaces",
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"generateName": "xUP-"}}),
         ("/api/v1/namespaces/staging/services",
          {"apiVersion": "v1", "kind": "Service", "metadata": {"generateName": "Bad_"},
           "spec": {"ports": [{"port": 80}]}})]
for path, body in cases:
    res = []
    for side in (drill, real):
        code, text = side.req("POST", path, json.dumps(body))
        o = json.loads(text)
        o.pop("metadata", None)
        (o.get("details") or {}).pop("uid", None)
        res.append((code, SFX.sub("#####", json.dumps(o, sort_keys=True))))
    if res[0] == res[1]:
        print(f"ok - raw {body['kind']}: {res[1][0]} {res[1][1][:150]}")
    else:
        bad += 1
        print(f"DIFF raw {body['kind']}\n  drill: {res[0]}\n  real:  {res[1]}")
sys.exit(1 if bad else 0)
PY
ok "raw POST: the same code, reason, message and causes"

# a valid prefix: created on both, the name the prefix and 5 characters
for side in drill real; do
	if [ $side = drill ]; then k=(kubectl --kubeconfig "$drill_kc" --context staging)
	else k=("$RK_KUBECTL" --kubeconfig "$real_kc" --context real-tokyo); fi
	printf '%s\n' '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-ok-","namespace":"staging"}}' >"$T/ok.json"
	n=$("${k[@]}" create -f "$T/ok.json" -o name 2>&1) || fail "$side: a valid generateName was refused: $n"
	[[ $n =~ ^configmap/gen-ok-[bcdfghjklmnpqrstvwxz2456789]{5}$ ]] || fail "$side: made name $n"
done
ok "a valid generateName makes prefix + 5 characters on both"
