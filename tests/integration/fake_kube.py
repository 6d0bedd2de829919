#!/usr/bin/python3
"""A tiny Kubernetes API stand-in for wire faults the drill does not make on
purpose: a watch cut in the middle of a line, an ERROR 410 event, paging.

Usage: fake_kube.py PORTFILE LOGFILE MODE
  MODE cut:  first watch sends pod-a whole and half of pod-b, then drops the
             connection; later watches from pod-a's resourceVersion send pod-b.
  MODE gone: first watch answers with an ERROR 410 event; the relist then
             holds pod-c as well.
  MODE forbid: deployments answer 403 Forbidden; pods are served.
  MODE busy: the first list answers 429 with Retry-After: 2; so do the
             first Alertmanager poll (/api/v2/alerts through the service
             proxy), then it holds one alert, and the first pod usage poll
             (metrics.k8s.io), then it holds pod-a0's.
  MODE am-slow: Alertmanager polls answer 429 with Retry-After: 30.
  MODE auth: only "Authorization: Bearer tok-2" is accepted, else 401.
  MODE expired: every watch answers HTTP 410 Gone (lists are served).
  MODE expired-event: every watch sends an ERROR 410 event and ends.
  MODE busy-always: every request answers 429 with Retry-After: 1.
  MODE forbid-all: every list and watch answers 403 Forbidden.
  MODE error: every request answers 500 with a Status message.
  MODE hang: every request is read and never answered.
  MODE redirect: every request answers 302 to https://login.example.invalid/sso.
  MODE bigheader: every response carries one 2 MB header line.
  MODE manyheaders: every response carries 3,000 headers (300 KB).
  MODE huge: the list holds pod-a0, then a pod with a 200 MB annotation;
             a GET of that pod (pod-huge) sends it alone.
  MODE many: the list holds 100,000 pods in one page (limit ignored).
  MODE expired-page: lists are paged; every other list's second page
             answers 410 (its continue token expired). The list begun again holds
             pod-a0 and pod-b0, then pod-c0; pod-gone was only on the
             first attempt's first page (deleted meanwhile).
  MODE expired-busy: as expired-page, but the first page of the list begun
             again answers 429 with Retry-After: 1 (the next one is whole).
  MODE bomb: the list is gzip-encoded: pod-a0, then blanks without end
             (1 GiB inflated from about 1 MB), sent as long as it is read.
While the file LOGFILE.healthy exists, every mode serves as a healthy server.
Every request is appended to LOGFILE as "METHOD PATH".
"""
import json
import os
import zlib
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORTFILE, LOGFILE, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
state = {"lists": 0, "watches": 0, "polls": 0}


def pod(name, rv):
    return {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": "default", "uid": "uid-" + name,
                     "resourceVersion": str(rv),
                     "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "c", "image": "x"}]},
        "status": {"phase": "Running"},
    }


def log(line):
    with lock, open(LOGFILE, "a") as f:
        f.write(line + "\n")
    with lock, open(LOGFILE + ".time", "a") as f:
        f.write("%.3f %s\n" % (time.time(), line))


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def send_status(self, code, reason, message, extra=()):
        body = json.dumps(status(code, reason, message)).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_hostile_list(self, mode):
        """A list page made to take a client's memory (or, huge-one, the
        200 MB object alone), sent chunked as it is made (the server holds
        little); stops when the client goes."""
        head = json.dumps({"kind": "PodList", "apiVersion": "v1",
                           "metadata": {"resourceVersion": "20"}})[:-1].encode()
        first = json.dumps(pod("pod-a0", 10)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if mode == "bomb":
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            if mode in ("huge", "huge-one"):
                big = pod("pod-huge", 11)
                big["metadata"]["annotations"] = {"blob": "@"}
                pre, post = json.dumps(big).encode().split(b"@")
                if mode == "huge":
                    self.chunk(head + b',"items":[' + first + b"," + pre)
                else:
                    self.chunk(pre)
                block = b"x" * (1 << 20)
                for _ in range(200):
                    self.chunk(block)
                self.chunk(post + (b"]}" if mode == "huge" else b""))
            elif mode == "many":
                self.chunk(head + b',"items":[' + first)
                batch = []
                for i in range(1, 100000):
                    batch.append(b"," + json.dumps(pod("pod-%06d" % i, 100 + i)).encode())
                    if len(batch) == 1000:
                        self.chunk(b"".join(batch))
                        batch = []
                self.chunk(b"".join(batch) + b"]}")
            else:
                z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
                self.chunk(z.compress(head + b',"items":[' + first + b",") +
                           z.flush(zlib.Z_SYNC_FLUSH))
                block = b" " * (1 << 20)
                for _ in range(1024):  # flushed each time: a gone client is seen
                    self.chunk(z.compress(block) + z.flush(zlib.Z_SYNC_FLUSH))
                self.chunk(z.compress(b"{}]}") + z.flush())
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def do_GET(self):
        log("GET " + self.path)
        u = urlparse(self.path)
        q = parse_qs(u.query)
        mode = "healthy" if os.path.exists(LOGFILE + ".healthy") else MODE
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "https://login.example.invalid/sso?next=%1b")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode in ("bigheader", "manyheaders"):
            self.send_response(200)
            if mode == "bigheader":
                self.send_header("X-Big", "a" * (2 << 20))
            else:
                for i in range(3000):
                    self.send_header("X-Many-%d" % i, "b" * 90)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            return
        if mode == "busy-always":
            return self.send_status(429, "TooManyRequests", "storage is (re)initializing",
                                    [("Retry-After", "1")])
        if mode == "error":
            return self.send_status(500, "InternalError",
                                    "etcdserver: request timed out\x1b]0;PWNED\x07")
        if mode == "forbid-all" and u.path != "/version":
            return self.send_status(403, "Forbidden",
                                    'pods is forbidden: User "test" cannot list resource '
                                    '"pods" in API group "" at the cluster scope')
        if mode == "expired" and q.get("watch") == ["1"]:
            with lock:
                state["watches"] += 1
            return self.send_status(410, "Expired", "too old resource version: 20 (35)")
        if mode == "auth" and self.headers.get("Authorization") != "Bearer tok-2":
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        if mode == "forbid" and "/deployments" in u.path:
            return self.send_json(403, status(403, "Forbidden",
                                              'deployments.apps is forbidden: User "test" cannot '
                                              'list resource "deployments" in API group "apps" '
                                              'at the cluster scope'))
        if u.path == "/version":
            return self.send_json(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
        if u.path.endswith("/proxy/api/v2/alerts") and mode in ("busy", "am-slow"):
            with lock:
                state["polls"] += 1
                n = state["polls"]
            if mode == "am-slow" or n == 1:
                return self.send_status(429, "TooManyRequests", "alertmanager is busy",
                                        [("Retry-After", "30" if mode == "am-slow" else "2")])
            return self.send_json(200, [{
                "labels": {"alertname": "DiskFull", "severity": "critical",
                           "namespace": "default"},
                "annotations": {"summary": "disk full"}, "fingerprint": "f1",
                "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2026-01-01T01:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z",
                "status": {"state": "active", "silencedBy": [], "inhibitedBy": []},
                "receivers": [{"name": "pager"}]}])
        if u.path == "/apis/metrics.k8s.io/v1beta1/pods" and mode == "busy":
            with lock:
                state["metrics"] = state.get("metrics", 0) + 1
                n = state["metrics"]
            if n == 1:
                return self.send_status(429, "TooManyRequests", "metrics are busy",
                                        [("Retry-After", "2")])
            return self.send_json(200, {
                "kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {},
                "items": [{"metadata": {"name": "pod-a0", "namespace": "default",
                                        "creationTimestamp": "2026-01-01T00:00:00Z"},
                           "timestamp": "2026-01-01T00:00:00Z", "window": "15s",
                           "containers": [{"name": "c",
                                           "usage": {"cpu": "250m", "memory": "64Mi"}}]}]})
        if mode == "huge" and u.path == "/api/v1/namespaces/default/pods/pod-huge":
            return self.send_hostile_list("huge-one")
        if u.path not in ("/api/v1/pods", "/api/v1/namespaces/default/pods"):
            return self.send_json(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                        "message": "not found", "reason": "NotFound", "code": 404})
        if q.get("watch") != ["1"] and mode in ("expired-page", "expired-busy"):
            cont = q.get("continue", [""])[0]
            if cont == "c1":
                return self.send_status(410, "Expired",
                                        "The provided continue parameter is too old to display "
                                        "a consistent list result. You can start a new list "
                                        "without the continue parameter.")
            if cont == "":  # a client's first list is cut short (then refused)
                cycle = 3 if mode == "expired-busy" else 2
                with lock:
                    state["lists"] += 1
                    step = state["lists"] % cycle
                    first = step == 1
                if step == 2:
                    return self.send_status(429, "TooManyRequests", "too many requests",
                                            [("Retry-After", "1")])
                items = [pod("pod-a0", 10), pod("pod-gone" if first else "pod-b0", 11)]
                meta = {"resourceVersion": "20", "continue": "c1" if first else "c2"}
            else:
                items, meta = [pod("pod-c0", 12)], {"resourceVersion": "20"}
            return self.send_json(200, {"kind": "PodList", "apiVersion": "v1",
                                        "metadata": meta, "items": items})
        if q.get("watch") != ["1"]:
            with lock:
                state["lists"] += 1
                n = state["lists"]
            if mode == "busy" and n == 1:
                body = json.dumps(status(429, "TooManyRequests", "too many requests")).encode()
                self.send_response(429)
                self.send_header("Content-Type", "application/json")
                self.send_header("Retry-After", "2")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if mode in ("huge", "many", "bomb"):
                return self.send_hostile_list(mode)
            items = [pod("pod-a0", 10)]
            if mode == "gone" and n > 1:
                items.append(pod("pod-c", 30))
            return self.send_json(200, {"kind": "PodList", "apiVersion": "v1",
                                        "metadata": {"resourceVersion": "20" if n == 1 else "40"},
                                        "items": items})
        with lock:
            state["watches"] += 1
            n = state["watches"]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if mode == "cut" and n == 1:
            a = json.dumps({"type": "ADDED", "object": pod("pod-a", 21)}).encode() + b"\n"
            b = json.dumps({"type": "ADDED", "object": pod("pod-b", 22)}).encode() + b"\n"
            self.chunk(a[:17])
            time.sleep(0.2)
            self.chunk(a[17:] + b[: len(b) // 2])
            time.sleep(0.3)
            self.wfile.write(b"0\r\n\r\n")  # end the body mid-line
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "cut":
            b = json.dumps({"type": "ADDED", "object": pod("pod-b", 22)}).encode() + b"\n"
            self.chunk(b)
        if (mode == "gone" and n == 1) or mode == "expired-event":
            err = {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                               "status": "Failure",
                                               "message": "too old resource version: 20 (35)",
                                               "reason": "Expired", "code": 410}}
            self.chunk(json.dumps(err).encode() + b"\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        # Hold the watch open with bookmarks until the client goes away.
        try:
            for _ in range(600):
                time.sleep(1)
                bm = {"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1",
                                                     "metadata": {"resourceVersion": "50"}}}
                self.chunk(json.dumps(bm).encode() + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
