#!/usr/bin/env bash
# Options and config: config.yaml's defaultView, wide, theme and keys; --ascii
# truncation; :set validation from the option table; ambiguous prefixes;
# an unknown theme is an error before the screen starts.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

out=$("$OPSDECK" --theme nosuch --drill estate 2>&1 </dev/null) && fail "unknown theme accepted"
assert_contains "$out" "theme 'nosuch' not found"
ok "unknown theme refused"

mkdir -p "$XDG_CONFIG_HOME/opsdeck"
cat >"$XDG_CONFIG_HOME/opsdeck/config.yaml" <<'YAML'
defaultView: pods
theme: light
wide: on
keys:
  x: "ns kube-system"
  N: none
YAML
start_console --drill estate --ascii
wait_screen 60 "dev(dev) live"
wait_screen 30 "pods ["
expect 10 "wide columns" line_matches 3 "AGE +IP +NODE"
ok "config.yaml: defaultView pods, wide on"

key x
wait_screen 10 "ns:kube-system"
expect 10 "kube-system pods only" rows_show "coredns-" "backend-"
ok "config.yaml keys: x runs 'ns kube-system'"
key N
wait_screen 10 "N: no binding"
ok "config.yaml keys: N unbound"
key 0
wait_screen 10 "ns:all"

tm resize-window -t console -x 70 -y 24
ascii_cut() { screen | grep -q "~" && ! screen | grep -q "…"; }
expect 10 "ASCII truncation" ascii_cut
tm resize-window -t console -x 160 -y 48
ok "--ascii truncates with ~"

cmd "set logLines 5"
wait_screen 10 "logLines: expected a number from 100 to 1000000"
cmd "set wide"
wait_screen 10 "wide off"
wait_gone 10 "NOMINATED"
cmd "set nosuch on"
wait_screen 10 "unknown option: nosuch"
ok ":set validates against the option table"
cmd "s"
wait_screen 10 "ambiguous command: s, could be:"
wait_screen 10 "statefulsets"
cmd "nosuchcommand"
wait_screen 10 "unknown command: nosuchcommand"
ok "ambiguous and unknown commands"
# history: Up recalls the last line; lines are kept in $XDG_STATE_HOME
keys ":"; key Up
wait_screen 10 ":nosuchcommand"
key Escape
cmd q
wait_exit 30
grep -qx "set logLines 5" "$XDG_STATE_HOME/opsdeck/history" || fail "history file lacks a command"
ok "prompt history recalled and saved"
tm kill-server 2>/dev/null || true

# NO_COLOR: attributes only, no colour sequences in the raw stream
rm -f "$XDG_CONFIG_HOME/opsdeck/config.yaml"
CONSOLE_ENV="NO_COLOR=1" start_console --drill estate
tm pipe-pane -t console -o "cat >>$T/nocolor.raw"
wait_screen 60 "dev(dev) live"
cmd "pods"
wait_screen 30 "RESTARTS"
cmd q
wait_exit 30
[ -s "$T/nocolor.raw" ] || fail "nothing captured"
python3 - "$T/nocolor.raw" <<'PY' || fail "NO_COLOR: colour sequences in the output"
import re, sys
raw = open(sys.argv[1], "rb").read()
# SGR with a foreground/background colour parameter (30-37, 39-47, 49, 90-107, 38;5 / 48;5)
sgr = re.findall(rb"\x1b\[([0-9;]*)m", raw)
bad = [p for p in sgr for n in p.split(b";") if n and (30 <= int(n) <= 49 or 90 <= int(n) <= 107)]
if bad:
    print("colour SGR:", bad[:5])
    sys.exit(1)
if not any(b"7" in p.split(b";") for p in sgr):
    print("no reverse video either: capture broken?")
    sys.exit(1)
PY
ok "NO_COLOR: no colour in the terminal stream"
