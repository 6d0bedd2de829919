#!/usr/bin/env bash
# pods/exec and pods/attach on the drill, as the API server answers them (a
# WebSocket upgrade, v5/v4.channel.k8s.io): real kubectl (1.30 and 1.33)
# runs commands in a simulated container, with their output, exit codes and
# piped stdin; the Python client (v4) too. The viewer is forbidden
# pods/exec, a wrong container is a 400, SPDY-only clients are told the
# drill serves WebSockets only, and hostile frames close the session
# without hurting the server. kubectl debug's ephemeral container runs and
# takes attach.
. "$(dirname "$0")/../lib/common.sh"

K33=/usr/lib/google-cloud-sdk/bin/kubectl.1.33
K30=/usr/lib/google-cloud-sdk/bin/kubectl.1.30
K27=/usr/lib/google-cloud-sdk/bin/kubectl.1.27
[ -x "$K33" ] || skip "kubectl 1.33 not installed"

start_drill estate
k() { "$K33" --context staging -n staging "$@"; }
wait_for 60 k get deploy backend || fail "no staging backend"
pod=$(running_pod app=backend) || exit 1

out=$(k exec "$pod" -- hostname) || fail "exec hostname"
[ "$out" = "$pod" ] || fail "hostname said '$out'"
ok "kubectl 1.33 exec hostname: $out"
if [ -x "$K30" ]; then
	out=$("$K30" --context staging -n staging exec "$pod" -- hostname) || fail "1.30 exec"
	[ "$out" = "$pod" ] || fail "1.30: hostname said '$out'"
	ok "kubectl 1.30 exec hostname"
fi

out=$(k exec "$pod" -- sh -c 'echo "a  b"; cat /etc/hostname; ls /etc') || fail "sh -c"
[ "$out" = "$(printf 'a  b\n%s\nhostname\nhosts\nos-release\nresolv.conf' "$pod")" ] ||
	fail "sh -c printed: $out"
ok "sh -c runs a line: quotes kept, files and directories listed"

rc=0; err=$(k exec "$pod" -- sh -c 'cat /nope; exit 3' 2>&1) || rc=$?
[ $rc -eq 3 ] || fail "exit 3 gave $rc"
assert_contains "$err" "cat: /nope: No such file or directory"
assert_contains "$err" "command terminated with exit code 3"
rc=0; err=$(k exec "$pod" -- rm -rf / 2>&1) || rc=$?
[ $rc -eq 127 ] || fail "an unknown command gave $rc"
assert_contains "$err" "rm: not found"
ok "exit codes and stderr reach kubectl (3, 127)"

out=$(printf 'hostname\necho piped\nexit 4\necho never\n' | k exec -i "$pod" -- sh) && fail "exit 4 lost"
[ "$out" = "$(printf '%s\npiped' "$pod")" ] || fail "stdin session printed: $out"
out=$(printf 'echo last-line-without-newline' | k exec -i "$pod" -- sh) || fail "stdin EOF"
[ "$out" = "last-line-without-newline" ] || fail "stdin EOF printed: $out"
ok "stdin: lines run in order, exit ends the session, end of input too"

rc=0; err=$("$K33" --context viewer@staging -n staging exec "$pod" -- hostname 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "the viewer ran exec"
assert_contains "$err" 'cannot create resource "pods/exec"'
rc=0; err=$(k exec "$pod" -c nope -- hostname 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "a wrong container ran"
assert_contains "$err" "container nope is not valid for pod $pod"
ok "the viewer is forbidden pods/exec; a wrong container is refused"

# kubectl debug: the ephemeral container is added, runs, and takes attach;
# ephemeral containers are only ever added
k debug "$pod" --image=busybox:1.36 --target=backend --profile=general -- sh >/dev/null 2>&1 ||
	fail "kubectl debug"
dbg=$(k get pod "$pod" -o jsonpath='{.spec.ephemeralContainers[0].name}')
[ -n "$dbg" ] || fail "no ephemeral container"
dbg_running() { [ -n "$(k get pod "$pod" -o jsonpath='{.status.ephemeralContainerStatuses[0].state.running.startedAt}')" ]; }
wait_for 30 dbg_running || fail "the debug container does not run"
out=$(printf 'hostname\nexit\n' | k attach -i "$pod" -c "$dbg" 2>"$T/attach.err") ||
	fail "attach: $(cat "$T/attach.err")"
[ "$(printf '%s\n' "$out" | tail -1)" = "$pod" ] || fail "attach printed: $out"
rc=0; err=$(k patch pod "$pod" --subresource=ephemeralcontainers --type=json \
	-p '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]' 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "an ephemeral container was removed"
assert_contains "$err" "ephemeral containers may only be added"
ok "kubectl debug adds a running debug container; attach reaches it; none is removed"

if [ -x "$K27" ]; then
	rc=0; err=$("$K27" --context staging -n staging exec "$pod" -- hostname 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "SPDY exec succeeded"
	assert_contains "$err" "Upgrade request required"
	ok "kubectl 1.27 (SPDY only) is told the drill serves WebSockets"
fi

/usr/bin/python3 - "$KUBECONFIG" "$pod" <<'PYEOF' || fail "python client exec"
import sys
try:
    from kubernetes import client, config
    from kubernetes.stream import stream
except ImportError:
    print("python3-kubernetes not installed: skipped"); sys.exit(0)
config.load_kube_config(config_file=sys.argv[1], context="staging")
v1 = client.CoreV1Api()
out = stream(v1.connect_get_namespaced_pod_exec, sys.argv[2], "staging",
             command=["sh", "-c", "hostname; echo x"], stderr=True, stdin=False,
             stdout=True, tty=False)
assert out == sys.argv[2] + "\nx\n", repr(out)
r = stream(v1.connect_get_namespaced_pod_exec, sys.argv[2], "staging", command=["false"],
           stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
r.run_forever(timeout=10)
assert r.returncode == 1, r.returncode
print("ok - the Python client (v4.channel.k8s.io): output and exit code")
PYEOF

# hostile frames: unmasked, oversized, garbage; each closes its session
server=$(jq -r '.clusters[] | select(.name=="staging") | .cluster.server' "$KUBECONFIG")
jq -r '.users[] | select(.name=="drill-admin") | .user["client-certificate-data"]' "$KUBECONFIG" |
	base64 -d >"$T/cert.pem"
jq -r '.users[] | select(.name=="drill-admin") | .user["client-key-data"]' "$KUBECONFIG" |
	base64 -d >"$T/key.pem"
/usr/bin/python3 - "${server#https://}" "$pod" "$T/cert.pem" "$T/key.pem" <<'PYEOF' || fail "hostile frames"
import base64, os, socket, ssl, struct, sys
host, port = sys.argv[1].rsplit(":", 1)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.load_cert_chain(sys.argv[3], sys.argv[4])

def session(frames):
    s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=10))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /api/v1/namespaces/staging/pods/%s/exec?command=sh&stdin=true&stdout=true "
               "HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n" % (sys.argv[2], key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        c = s.recv(1)
        assert c, head
        head += c
    assert head.startswith(b"HTTP/1.1 101"), head
    for f in frames:
        s.sendall(f)
    data = b""
    try:
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    except socket.timeout:
        raise AssertionError("the drill kept a hostile session open")
    s.close()
    return data

def masked(op, payload):
    m = os.urandom(4)
    body = bytes(b ^ m[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    hdr = bytes([0x80 | op]) + (bytes([0x80 | n]) if n < 126 else
          bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
          bytes([0x80 | 127]) + struct.pack(">Q", n))
    return hdr + m + body

# unmasked client frame: closed with 1009
d = session([bytes([0x82, 3, 0, 0x41, 0x0a])])
assert b"\x88\x02\x03\xf1" in d, d
# a frame announcing 1 GiB: closed, nothing allocated for it
d = session([bytes([0x82, 0xff]) + struct.pack(">Q", 1 << 30) + b"\0\0\0\0"])
assert b"\x88\x02\x03\xf1" in d, d
# a control byte soup then a real line: the shell ignores the bytes, runs the line
d = session([masked(2, b"\x00\x1b\x07\x7f\x00"), masked(2, b"\x00echo ok\n"),
             masked(2, b"\x00exit\n")])
assert b"\x01ok\n" in d and b"\x1b" not in d, d
print("ok - hostile frames close their session; control bytes never echo")
PYEOF

out=$(k exec "$pod" -- hostname) || fail "the drill stopped answering after hostile frames"
[ "$out" = "$pod" ] || fail "after hostile frames: '$out'"
ok "the drill still answers after hostile sessions"
