#!/usr/bin/env bash
# Terminal escapes planted in an annotation, an event message and a log
# line (through real kubectl) are shown as visible text, and the raw byte
# stream the console writes (tmux pipe-pane) carries none of them.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"
command -v kubectl >/dev/null 2>&1 || skip "kubectl not installed"

start_drill estate
k() { kubectl --context prod-tokyo "$@"; }
wait_for 60 sh -c "kubectl --context prod-tokyo -n production get pods -o name | grep -q backend-" ||
	fail "no backend pods"
pod=$(k -n production get pods -o name | grep backend- | head -n 1)
pod=${pod#pod/}
uid=$(k -n production get pod "$pod" -o jsonpath='{.metadata.uid}')

# hostile: window title (OSC 0), clipboard write (OSC 52), printer on (CSI 5 i)
k -n production annotate pod "$pod" "opsdeck.test/note=A$(printf '\033]0;ANNOTITLE\007')B" >/dev/null
k -n production annotate pod "$pod" \
	"drill.opsdeck.dev/echo=LOGSTART$(printf '\033[5i')MID$(printf '\033]0;LOGTITLE\007')LOGEND" >/dev/null
cat >"$T/event.json" <<JSON
{"apiVersion":"v1","kind":"Event","metadata":{"name":"hostile.1","namespace":"production"},
 "involvedObject":{"kind":"Pod","namespace":"production","name":"$pod","uid":"$uid"},
 "reason":"Hostile","type":"Warning","count":1,
 "message":"EVSTART\u001b]52;c;cHduZWQ=\u0007EVEND",
 "firstTimestamp":"2026-11-23T10:00:00Z","lastTimestamp":"2026-11-23T10:00:00Z",
 "source":{"component":"test"}}
JSON
k create --validate=false -f "$T/event.json" >/dev/null

start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo,prod-osaka,staging,dev
tm pipe-pane -t console -o "cat >>$T/raw"
wait_screen 60 "prod-tokyo(primary) live"

# the event message, as visible text
cmd "events @prod-tokyo"
wait_screen 60 "EVSTART"
wait_screen 10 '\x1b]52;c;cHduZWQ=\x07EVEND'
ok "event message shown as text"

# the annotation, in describe and YAML
cmd "pods @prod-tokyo"
keys "/$pod"; key Enter
wait_screen 30 "filter:/$pod/"
key g; key d
wait_screen 30 'A\x1b]0;ANNOTITLE\x07B'
ok "annotation in describe shown as text"
key Escape
key y
wait_screen 30 'ANNOTITLE'
s=$(screen)
assert_contains "$s" 'opsdeck.test/note:'
ok "annotation in YAML shown as text"
key Escape

# the log line
key Enter
wait_screen 60 "LOGEND"
wait_screen 10 'LOGSTART\x1b[5iMID\x1b]0;LOGTITLE\x07LOGEND'
ok "log line shown as text"
cmd q
wait_exit 30

# the raw stream: the text arrived, the escapes did not
[ -s "$T/raw" ] || fail "no raw stream captured"
grep -q "EVSTART" "$T/raw" || fail "raw stream lacks the event text (capture broken?)"
python3 - "$T/raw" <<'PY' || fail "raw stream carries a planted escape sequence"
import sys
raw = open(sys.argv[1], "rb").read()
bad = [b"\x1b]0;", b"\x1b]52;", b"\x1b[5i", b"\x07EVEND", b"\x07B"]
found = [b for b in bad if b in raw]
if found:
    print("found:", found)
    sys.exit(1)
PY
ok "raw terminal stream carries none of the planted sequences"
