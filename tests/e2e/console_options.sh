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
cmd q
wait_exit 30
