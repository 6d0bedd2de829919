#!/usr/bin/env bash
# The Debian Python Kubernetes client works unmodified against the drill API
# server with TLS verification: lists, scale subresource, watch resumed from a
# resourceVersion, 410 Expired, exec-plugin and viewer credentials.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/drill_api.sh"

PY=/usr/bin/python3
$PY -c 'import kubernetes' 2>/dev/null || skip "python3-kubernetes not installed"
OPSDECK_DRILL_HISTORY=200 start_drill "$(drill_test_scenario)"

$PY - <<'PYEOF' || fail "python client checks failed"
import json, sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

def check(cond, what):
    if not cond:
        print("FAIL:", what); sys.exit(1)
    print("ok -", what)

contexts, current = config.list_kube_config_contexts()
cluster = current["name"]
api = config.new_client_from_config(context=cluster)
v1 = client.CoreV1Api(api)
apps = client.AppsV1Api(api)

pods = v1.list_pod_for_all_namespaces()
check(len(pods.items) > 0 and int(pods.metadata.resource_version) > 0,
      "list_pod_for_all_namespaces: %d pods at rv %s" % (len(pods.items), pods.metadata.resource_version))
page = v1.list_pod_for_all_namespaces(limit=1)
if len(pods.items) > 1:
    check(page.metadata._continue and len(page.items) == 1, "paged list returns a continue token")
    rest = v1.list_pod_for_all_namespaces(limit=100000, _continue=page.metadata._continue)
    names = [p.metadata.namespace + "/" + p.metadata.name for p in page.items + rest.items]
    check(names == [p.metadata.namespace + "/" + p.metadata.name for p in pods.items],
          "pages join to the full list")

deps = apps.list_deployment_for_all_namespaces()
check(len(deps.items) > 0, "list_deployment_for_all_namespaces")
d = deps.items[0]
ns, name = d.metadata.namespace, d.metadata.name
want = (d.spec.replicas or 0) + 2
rv = deps.metadata.resource_version

scale = apps.patch_namespaced_deployment_scale(name, ns, {"spec": {"replicas": want}})
check(scale.kind == "Scale" and scale.spec.replicas == want, "patch_namespaced_deployment_scale -> %d" % want)
check(apps.read_namespaced_deployment_scale(name, ns).spec.replicas == want, "read_namespaced_deployment_scale")
check(apps.read_namespaced_deployment(name, ns).spec.replicas == want, "deployment spec follows the scale")

# A watch resumed from the list's resourceVersion sees the change.
seen = None
w = watch.Watch()
for ev in w.stream(apps.list_namespaced_deployment, ns, resource_version=rv,
                   field_selector="metadata.name=" + name, timeout_seconds=20):
    if ev["type"] == "MODIFIED" and ev["object"].spec.replicas == want:
        seen = ev["object"].metadata.resource_version
        w.stop()
check(seen is not None and int(seen) > int(rv), "watch resumed from rv %s sees MODIFIED at %s" % (rv, seen))

# Enough changes to push the list's resourceVersion out of the history: 410.
for i in range(260):
    apps.patch_namespaced_deployment(name, ns, {"metadata": {"annotations": {"drill-test/n": str(i)}}})
code = None
try:
    for ev in watch.Watch().stream(apps.list_namespaced_deployment, ns, resource_version=rv,
                                   timeout_seconds=10):
        if ev["type"] == "ERROR":
            code = ev["raw_object"]["code"]
            break
except ApiException as e:
    code = e.status
check(code == 410, "watch from an expired resourceVersion gives 410 (got %s)" % code)

# A watch with a label selector sees objects leave (DELETED) and enter (ADDED).
cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="sel-test", labels={"sel": "a"}), data={"k": "v"})
v1.create_namespaced_config_map(ns, cm)
lst = v1.list_namespaced_config_map(ns, label_selector="sel=a")
check([c.metadata.name for c in lst.items] == ["sel-test"], "label selector lists the labelled configmap")
v1.patch_namespaced_config_map("sel-test", ns, {"metadata": {"labels": {"sel": "b"}}})
v1.patch_namespaced_config_map("sel-test", ns, {"data": {"k": "w"}})
v1.patch_namespaced_config_map("sel-test", ns, {"metadata": {"labels": {"sel": "a"}}})
types = []
for ev in watch.Watch().stream(v1.list_namespaced_config_map, ns, label_selector="sel=a",
                               resource_version=lst.metadata.resource_version, timeout_seconds=5):
    types.append(ev["type"])
    if len(types) == 2:
        break
check(types == ["DELETED", "ADDED"], "selector watch: leaving is DELETED, entering is ADDED (%s)" % types)

# deletecollection with a selector removes only the selected objects.
for i in range(3):
    v1.create_namespaced_config_map(ns, {"metadata": {"name": "dc-%d" % i, "labels": {"dc": "x" if i < 2 else "y"}}})
v1.delete_collection_namespaced_config_map(ns, label_selector="dc=x")
left = sorted(c.metadata.name for c in v1.list_namespaced_config_map(ns, label_selector="dc").items)
check(left == ["dc-2"], "delete_collection with a label selector (%s left)" % left)

# Exec plugin and viewer credentials.
ex = client.CoreV1Api(config.new_client_from_config(context="exec@" + cluster))
check(len(ex.list_namespace().items) > 0, "exec-plugin context lists namespaces")
viewer = client.AppsV1Api(config.new_client_from_config(context="viewer@" + cluster))
check(len(viewer.list_namespaced_deployment(ns).items) > 0, "viewer can list")
try:
    viewer.patch_namespaced_deployment_scale(name, ns, {"spec": {"replicas": 1}})
    check(False, "viewer scale refused")
except ApiException as e:
    msg = json.loads(e.body)["message"]
    check(e.status == 403 and 'User "drill-viewer" cannot patch resource "deployments/scale"' in msg,
          "viewer scale is 403 Forbidden")
try:
    v1.read_namespaced_pod("no-such-pod-xyz", ns)
    check(False, "missing pod raises")
except ApiException as e:
    check(e.status == 404, "missing pod is 404")
PYEOF
ok "python client"
