#!/usr/bin/env bash
# The drill against a real API server, point by point: the same raw
# requests to the drill's staging cluster and to a real kube-apiserver
# (tests/realk8s/), the answers compared (HTTP code; for a Status its
# reason, message and details; for other bodies the fields named). Each
# point is one the drill once answered differently:
# - a DELETE with a DeleteOptions body takes its options from the body and
#   ignores the query: ?dryRun=All beside a body deletes; dryRun in the body
#   does not;
# - a create of an existing name: 409 AlreadyExists naming the object;
# - a scale to -1: 422 `Scale.autoscaling "X" is invalid: spec.replicas:
#   Invalid value: -1: ...` with the field in details.causes;
# - a patch of an unknown media type: 415 "415: Unsupported Media Type";
#   a patch that is not JSON: 400 without details;
# - dryRun=Foo: 422 naming PatchOptions.meta.k8s.io (CreateOptions...);
# - a create on the all-namespaces path of a namespaced kind: 405;
# - resourceVersionMatch on a watch without sendInitialEvents: 422;
# - the field defaults a created object gets (deployments, statefulsets,
#   daemonsets, pods, jobs, cronjobs, services, HPAs);
# - the Table columns of every built-in kind the console lists, and of the
#   custom resources (from their CRDs' printer columns), with the cells of
#   one Schedule;
# - who reports an event (deployment-controller, replicaset-controller,
#   default-scheduler through events/v1...);
# - a list's items of a built-in kind carry no apiVersion and kind;
# - an allowed SelfSubjectAccessReview gives a reason;
# - a SelfSubjectReview (kubectl auth whoami) names the user and its groups.
# - a name the API server refuses (ESC, CJK, '_', upper case, too long; a
#   DNS-1123 subdomain for most kinds, a label for namespaces, a DNS-1035
#   label for services): 422 Invalid, the value Go-quoted, one cause each.
# The words of the JSON decoder's error differ (Go's and jansson's) and are
# not compared.
. "$(dirname "$0")/../lib/realk8s.sh"
command -v jq >/dev/null || skip "jq missing"
/usr/bin/python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml missing"

start_drill estate
drill_kc=$KUBECONFIG
realk8s_up real-tokyo
real_kc=$KUBECONFIG
# compare a settled cluster: on a loaded machine the controllers, kwok and
# the RBAC authorizer's cache were still catching up (no pods listed yet,
# a Scale's status.replicas 0, the viewer's review of a list not yet allowed)
wait_for 240 rk_settled real-tokyo || { rk_dump_logs; fail "the real estate did not settle"; }
wait_for 60 sh -c "'$RK_KUBECTL' --kubeconfig '$real_kc' --context real-tokyo-viewer auth can-i list pods -n staging | grep -qx yes" ||
	fail "the real viewer may not list pods"

PYTHONPATH=$RK_REPO/tests/lib /usr/bin/python3 - "$drill_kc" "$real_kc" <<'PY' || fail "the drill and the real API server answer differently"
import json, re, sys
from kube_probe import Conn

drill = {"admin": Conn(sys.argv[1], "staging"), "viewer": Conn(sys.argv[1], "viewer@staging")}
real = {"admin": Conn(sys.argv[2], "real-tokyo"), "viewer": Conn(sys.argv[2], "real-tokyo-viewer")}
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
CM = "/api/v1/namespaces/staging/configmaps"
DEP = "/apis/apps/v1/namespaces/staging/deployments"
bad = 0


def status_of(code, body, fields=None):
    """What is compared of one answer."""
    try:
        o = json.loads(body)
    except ValueError:
        return {"code": code, "body": "not JSON"}
    if o.get("kind") == "Status":
        d = {k: v for k, v in (o.get("details") or {}).items() if k != "uid"}
        msg = re.sub(r'User "[^"]+"', 'User "U"', o.get("message", ""))
        return {"code": code, "reason": o.get("reason"), "message": msg,
                "details": d or None}
    out = {"code": code}
    for f in fields or ():
        v = o
        for p in f.split("."):
            v = v.get(p) if isinstance(v, dict) else None
        out[f] = v
    return out


def same(name, d, r):
    global bad
    if d == r:
        print(f"ok - {name}: {json.dumps(r)[:160]}")
    else:
        bad += 1
        print(f"DIFF {name}\n  drill: {json.dumps(d)}\n  real:  {json.dumps(r)}")


def probe(name, method, path, body=None, ctype="application/json", who="admin",
          fields=None, drop=()):
    res = []
    for side in (drill, real):
        code, text = side[who].req(method, path, body, ctype)
        s = status_of(code, text, fields)
        for k in drop:
            s.pop(k, None)
        res.append(s)
    same(name, *res)


def cm(name):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
            "data": {"k": "v"}}


# DELETE options: the body's, never the query's when there is a body.
for side in (drill, real):
    for n in ("probe-q", "probe-b"):
        code, text = side["admin"].req("POST", CM, cm(n))
        assert code == 201, (code, text)
opts = {"kind": "DeleteOptions", "apiVersion": "v1"}
probe("DELETE ?dryRun=All with a body: deleted", "DELETE", CM + "/probe-q?dryRun=All", opts,
      fields=["kind"])
probe("... and then gone", "GET", CM + "/probe-q")
probe("DELETE with dryRun in the body: a dry run", "DELETE", CM + "/probe-b",
      dict(opts, dryRun=["All"]), fields=["kind"])
probe("... and still there", "GET", CM + "/probe-b", fields=["metadata.name", "data"])

# Status answers.
probe("create an existing name", "POST", DEP, {"apiVersion": "apps/v1", "kind": "Deployment",
      "metadata": {"name": "backend"}, "spec": {"selector": {"matchLabels": {"a": "b"}},
      "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
          {"name": "c", "image": "x"}]}}}})
probe("scale to -1", "PATCH", DEP + "/backend/scale", '{"spec":{"replicas":-1}}',
      "application/merge-patch+json")
probe("patch of an unknown media type", "PATCH", DEP + "/backend", "{}", "text/plain")
probe("patch that is not JSON", "PATCH", DEP + "/backend", "{", "application/merge-patch+json",
      drop=("message",))
probe("dryRun=Foo", "PATCH", DEP + "/backend?dryRun=Foo", "{}", "application/merge-patch+json")
probe("resourceVersionMatch on a watch", "GET",
      DEP + "?watch=1&resourceVersion=1&resourceVersionMatch=NotOlderThan&timeoutSeconds=1")
probe("get a missing object", "GET", "/api/v1/namespaces/staging/pods/nope")
probe("create in a missing namespace", "POST", "/api/v1/namespaces/nons/configmaps", cm("x"))
probe("unknown resource", "GET", "/apis/apps/v1/namespaces/staging/foos", drop=("details",))
probe("POST on a name", "POST", DEP + "/backend", "{}", drop=("details",))
probe("create outside a namespace's path", "POST", "/api/v1/configmaps", cm("x"),
      drop=("details",))
probe("dryRun=Some on a create", "POST", CM + "?dryRun=Some", cm("x"))
# Names the API server refuses, with its words (Go-quoted values).
for n in ("bad_name", "Upper", "\x1b[31mred", "\u65e5\u672c", "dot.", "a" * 254):
    probe(f"a ConfigMap named {n[:12]!r}", "POST", CM + "?dryRun=All", cm(n))
for n in ("bad.ns", "-x", "\x1b]0;t\x07"):
    probe(f"a Namespace named {n!r}", "POST", "/api/v1/namespaces?dryRun=All",
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}})
probe("a Service named '1abc'", "POST", "/api/v1/namespaces/staging/services?dryRun=All",
      {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1abc"},
       "spec": {"ports": [{"port": 80}]}})
probe("a ConfigMap named 'ok.name-1'", "POST", CM + "?dryRun=All", cm("ok.name-1"),
      fields=["metadata.name"])
probe("the scale subresource", "GET", DEP + "/backend/scale",
      fields=["kind", "apiVersion", "spec", "status"])
probe("the viewer's delete", "DELETE", CM + "/probe-b", who="viewer")
probe("the viewer's scale", "PATCH", DEP + "/backend/scale", '{"spec":{"replicas":1}}',
      "application/merge-patch+json", who="viewer")

# Field defaults: a minimal object of each kind, created as a dry run; the
# spec the server answers with. Fields filled by admission plugins
# (service account, priority, default tolerations) and allocators (cluster
# IPs) are not defaults and not compared.
ADMISSION = re.compile(r"\.(serviceAccount|serviceAccountName|volumes|volumeMounts|tolerations|"
                       r"priority|preemptionPolicy|clusterIP|clusterIPs|ipFamilies|ipFamilyPolicy)\b")


def flat(o, p=""):
    if isinstance(o, dict):
        return {k: v for key, val in o.items() for k, v in flat(val, p + "." + key).items()}
    if isinstance(o, list):
        return {k: v for i, val in enumerate(o) for k, v in flat(val, f"{p}[{i}]").items()}
    return {p: o}


ctr = [{"name": "c", "image": "example.com/x:1", "ports": [{"containerPort": 80}],
        "readinessProbe": {"httpGet": {"port": 80}}},
       {"name": "d", "image": "example.com/y"}]
tmpl = {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": ctr}}
sel = {"matchLabels": {"a": "b"}}
for path, body in (
        ("/apis/apps/v1/namespaces/staging/deployments",
         {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dflt"},
          "spec": {"selector": sel, "template": tmpl}}),
        ("/apis/apps/v1/namespaces/staging/statefulsets",
         {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "dflt"},
          "spec": {"serviceName": "x", "selector": sel, "template": tmpl}}),
        ("/apis/apps/v1/namespaces/staging/daemonsets",
         {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "dflt"},
          "spec": {"selector": sel, "template": tmpl}}),
        ("/api/v1/namespaces/staging/pods",
         {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "dflt"},
          "spec": {"containers": ctr}}),
        ("/apis/batch/v1/namespaces/staging/jobs",
         {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "dflt"},
          "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": ctr}}}}),
        ("/apis/batch/v1/namespaces/staging/cronjobs",
         {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "dflt"},
          "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
              "restartPolicy": "Never", "containers": ctr}}}}}}),
        ("/api/v1/namespaces/staging/services",
         {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "dflt"},
          "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}]}}),
        ("/apis/autoscaling/v2/namespaces/staging/horizontalpodautoscalers",
         {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
          "metadata": {"name": "dflt"}, "spec": {"scaleTargetRef": {
              "apiVersion": "apps/v1", "kind": "Deployment", "name": "dflt"},
              "maxReplicas": 3}})):
    specs = []
    for side in (drill, real):
        code, text = side["admin"].req("POST", path + "?dryRun=All", body)
        got = json.loads(text)
        if got.get("kind") == "Job" or got.get("kind") == "Pod":
            # a Job's selector and labels come from its controller-uid
            for k in ("selector", "manualSelector"):
                got["spec"].pop(k, None)
            got["spec"].get("template", {}).pop("metadata", None)
        specs.append([code] + sorted((k, v) for k, v in flat(got.get("spec", {})).items()
                                     if not ADMISSION.search(k)))
    same("field defaults of " + path.rsplit("/", 1)[1], *specs)

# A list's items: a built-in kind's carry no apiVersion and kind.
for path in (DEP, "/api/v1/namespaces/staging/pods", "/api/v1/namespaces"):
    keys = []
    for side in (drill, real):
        code, text = side["admin"].req("GET", path + "?limit=1")
        items = json.loads(text).get("items", [])
        keys.append([code] + sorted(items[0].keys() if items else []))
    same("list items of " + path.rsplit("/", 1)[1], *keys)

# SelfSubjectAccessReviews: the viewer's answer for a write and a read.
for verb, res, subres in (("patch", "deployments", "scale"), ("list", "pods", "")):
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
              "spec": {"resourceAttributes": {"namespace": "staging", "verb": verb,
                                              "group": "apps" if res == "deployments" else "",
                                              "resource": res, "subresource": subres}}}
    got = []
    for side in (drill, real):
        code, text = side["viewer"].req("POST",
                                        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                        review)
        st = json.loads(text).get("status", {})
        got.append({"code": code, "allowed": st.get("allowed"), "denied": st.get("denied"),
                    "reason": bool(st.get("reason"))})
    same(f"the viewer's access review of {verb} {res}", *got)

# SelfSubjectReview (kubectl auth whoami): who each credential is. The
# names differ by design (each estate its own users); the answer's shape,
# the admin's groups and the viewer's group count do not.
for who in ("admin", "viewer"):
    got = []
    for side in (drill, real):
        code, text = side[who].req("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                   {"apiVersion": "authentication.k8s.io/v1",
                                    "kind": "SelfSubjectReview"})
        o = json.loads(text)
        ui = o.get("status", {}).get("userInfo", {})
        groups = ui.get("groups", [])
        got.append({"code": code, "kind": o.get("kind"), "apiVersion": o.get("apiVersion"),
                    "userInfo": sorted(k for k in ui if k != "uid"),
                    "named": bool(ui.get("username")),
                    "extra": {k: [re.sub("[0-9a-f]{64}", "<sha256>", x) for x in v]
                              for k, v in ui.get("extra", {}).items()},
                    "groups": groups if who == "admin" else [len(groups), groups[-1:]]})
    same(f"the {who}'s SelfSubjectReview", *got)

# Table columns (name, type, format, priority) of the built-in kinds and
# the custom resources.
for path in ("/api/v1/pods", "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets",
             "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets",
             "/apis/autoscaling/v2/horizontalpodautoscalers", "/api/v1/events",
             "/api/v1/nodes", "/apis/batch/v1/jobs", "/apis/batch/v1/cronjobs",
             "/apis/policy/v1/poddisruptionbudgets", "/api/v1/namespaces",
             "/api/v1/services",
             # custom resources: their CRDs' additionalPrinterColumns
             # after NAME (NAME and AGE when a CRD declares none)
             "/apis/argoproj.io/v1alpha1/rollouts", "/apis/velero.io/v1/schedules",
             "/apis/velero.io/v1/backups", "/apis/velero.io/v1/restores"):
    cols = []
    for side in (drill, real):
        code, text = side["admin"].req("GET", path + "?limit=1", accept=TABLE)
        t = json.loads(text)
        cols.append([code] + [(c["name"], c["type"], c.get("format", ""), c["priority"])
                              for c in t.get("columnDefinitions", [])])
    same("Table columns of " + path.rsplit("/", 1)[1], *cols)

# Who reports an event: per involved kind and reason, the source component
# and reporting controller, and whether a reporting instance is named. The
# pairs both estates have made by now (scaling, pod creation, scheduling).
def sources(side):
    code, text = side["admin"].req("GET", "/api/v1/events")
    out = {}
    for e in json.loads(text)["items"]:
        key = (e["involvedObject"].get("kind"), e.get("reason"))
        out[key] = (e.get("source", {}).get("component", ""), e.get("reportingComponent", ""),
                    bool(e.get("reportingInstance")))
    return out


ds, rs = sources(drill), sources(real)
common = sorted(set(ds) & set(rs))
for need in (("Deployment", "ScalingReplicaSet"), ("ReplicaSet", "SuccessfulCreate"),
             ("Pod", "Scheduled")):
    if need not in common:
        bad += 1
        print(f"DIFF no {need} event on both: drill {sorted(ds)} real {sorted(rs)}")
for key in common:
    same(f"event source of {key[0]} {key[1]}", ds[key], rs[key])

# The cells of one custom resource's row: the same Schedule created on both
# (never due, so no controller writes LastBackup); NAME, SCHEDULE,
# LASTBACKUP and PAUSED compared as JSON (an absent value is null).
SCHED = "/apis/velero.io/v1/namespaces/staging/schedules"
cells = []
for side in (drill, real):
    code, text = side["admin"].req("POST", SCHED, {
        "apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": {"name": "probe-sched"},
        "spec": {"schedule": "0 3 1 1 *", "template": {"ttl": "1h0m0s"}}})
    assert code == 201, (code, text)
    code, text = side["admin"].req("GET", SCHED + "/probe-sched", accept=TABLE)
    row = (json.loads(text).get("rows") or [{}])[0].get("cells", [])
    cells.append([code] + [row[i] if i < len(row) else "missing" for i in (0, 2, 3, 5)])
    side["admin"].req("DELETE", SCHED + "/probe-sched")
same("Table cells of a Schedule", *cells)
sys.exit(1 if bad else 0)
PY
ok "the drill answers as the real API server on every point compared"
