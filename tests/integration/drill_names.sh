#!/usr/bin/env bash
# The drill refuses the names a real API server refuses (realk8s_vs_drill
# compares the two answers word for word), while a scenario can still hold
# such a name, for what a console must show safely:
# - kubectl's create of a Deployment named "Web_x", a ConfigMap named with
#   an escape sequence or in CJK, a Namespace with a dot and a Service
#   starting with a digit: each 422 Invalid naming metadata.name, nothing
#   stored; valid names still go through;
# - a scenario's deployment named "Web_<ESC>]0;pwned<BEL>日本" runs (its pod
#   too) and `opsdeck get` prints both names with the escape shown, never
#   sent to the terminal.
. "$(dirname "$0")/../lib/common.sh"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

cat >"$T/names.yaml" <<'YAML'
name: hostile-names
clusters:
  - name: solo
    region: ap-northeast-1
    role: primary
    nodes:
      - {group: general, count: 1, instance_type: m5.large, zones: [ap-northeast-1a]}
deployments:
  - name: "Web_\e]0;pwned\a\u65e5\u672c"
    namespace: default
    replicas: 1
    image: nginx:1
    labels: {app: web}
YAML
start_drill "$T/names.yaml"
wait_for 30 kubectl get ns default || fail "drill not answering"

# refused ARGS...: kubectl ARGS fails with a 422 on metadata.name
refused() {
	local out
	out=$(kubectl "$@" 2>&1) && fail "kubectl $* was accepted: $out"
	assert_contains "$out" "is invalid: metadata.name: Invalid value: " "kubectl $*"
}
refused create deployment Web_x --image=x
refused create configmap "$(printf 'a\033[31m')"
refused create configmap "$(printf '\346\227\245\346\234\254')"
refused create namespace bad.ns
refused create service clusterip 1abc --tcp=80
[ -z "$(kubectl get deploy,cm,svc -A -o name | grep -iE 'web_x|1abc')" ] || fail "a refused object was stored"
kubectl get ns bad.ns >/dev/null 2>&1 && fail "namespace bad.ns was stored"
kubectl create configmap ok.name-1 >/dev/null || fail "a valid dotted name was refused"
kubectl create namespace ok-ns >/dev/null || fail "a valid namespace name was refused"
ok "names the API server refuses get its 422 Invalid; valid ones are stored"

ready() { kubectl get pods -A --no-headers | grep -q Running; }
wait_for 60 ready || fail "the scenario's pod never ran"
"$OPSDECK" get deployments,pods -A >"$T/get.out" 2>"$T/get.err" || { cat "$T/get.err"; fail "get failed"; }
cat "$T/get.out"
grep -q $'\033' "$T/get.out" && fail "get sent the name's escape to the terminal"
grep -qF 'deployment.apps/Web_\x1b]0;pwned\x07日本' "$T/get.out" || fail "the deployment's name is not shown"
grep -qF 'pod/Web_\x1b]0;pwned\x07日本-' "$T/get.out" || fail "the pod's name is not shown"
ok "a scenario's hostile name runs and prints with its escape shown"
