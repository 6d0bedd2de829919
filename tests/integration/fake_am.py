#!/usr/bin/env python3
"""A fake Alertmanager for the audit signal tests: answers silence POSTs and
DELETEs after DELAY seconds, writing one line per request it received to LOG
as soon as the request is in (before the reply), so a test can signal the
client while the request is in flight.  usage: fake_am.py PORTFILE LOG DELAY"""
import http.server, json, sys, time, uuid

portfile, log, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])


class H(http.server.BaseHTTPRequestHandler):
    def _in(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with open(log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, body.decode(errors="replace")))
        time.sleep(delay)

    def _reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self._in()
        self._reply(200, {"silenceID": str(uuid.uuid4())})

    def do_DELETE(self):
        self._in()
        self._reply(200, {})

    def do_GET(self):
        self._reply(200, [])

    def log_message(self, *a):
        pass


s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
