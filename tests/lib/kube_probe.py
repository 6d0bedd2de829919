# Raw requests to an API server as a kubeconfig context's user, for the
# tests that put the drill and a real API server side by side
# (tests/integration/realk8s_*.sh). Standard library and PyYAML only.
import base64
import json
import os
import ssl
import tempfile
import urllib.error
import urllib.request

import yaml


class Conn:
    """One context of a kubeconfig: server URL, TLS context, headers."""

    def __init__(self, kubeconfig, context):
        k = yaml.safe_load(open(kubeconfig))
        c = next(x["context"] for x in k["contexts"] if x["name"] == context)
        cl = next(x["cluster"] for x in k["clusters"] if x["name"] == c["cluster"])
        u = next(x["user"] for x in k["users"] if x["name"] == c["user"])
        self.server = cl["server"]
        self.tls = ssl.create_default_context()
        if "certificate-authority" in cl:
            self.tls.load_verify_locations(cl["certificate-authority"])
        else:
            self.tls.load_verify_locations(
                cadata=base64.b64decode(cl["certificate-authority-data"]).decode())
        self.headers = {}
        if "token" in u:
            self.headers["Authorization"] = "Bearer " + u["token"]
        elif "client-certificate" in u or "client-certificate-data" in u:
            d = tempfile.mkdtemp()

            def path(key):
                if key in u:
                    return u[key]
                p = os.path.join(d, key)
                with open(p, "wb") as f:
                    f.write(base64.b64decode(u[key + "-data"]))
                return p
            self.tls.load_cert_chain(path("client-certificate"), path("client-key"))

    def req(self, method, path, body=None, ctype="application/json",
            accept="application/json", timeout=30):
        """(HTTP status, body text); body: str or a JSON-able object."""
        h = dict(self.headers)
        h["Accept"] = accept
        data = None
        if body is not None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            h["Content-Type"] = ctype
        r = urllib.request.Request(self.server + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(r, context=self.tls, timeout=timeout) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
