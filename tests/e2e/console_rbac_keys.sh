#!/usr/bin/env bash
# On a context that may not change a deployment (the drill's viewer@prod-tokyo):
# `s` on a deployment says "forbidden by RBAC" without first asking for a
# replica count, and at 80 columns the refusal is readable whole (wrapped, not
# cut); the help dims the action keys (s, r, u, C-d) the user may not run, as
# it dims the : commands.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_drill estate

start_console --kubeconfig "$KUBECONFIG" --context viewer@prod-tokyo
wait_screen 60 "live"
tm resize-window -t console -x 80 -y 24
cmd "deploy"
wait_screen 30 "backend"
keys "/backend"; key Enter
wait_screen 10 "filter:/backend/"
key g
key s
# until the refusal shows, no replica prompt may have shown
refused=
for _ in $(seq 1 100); do
	s=$(screen)
	if echo "$s" | grep -q "replicas:"; then
		echo "$s" >&2
		fail "s asked for a replica count before the RBAC check"
	fi
	if echo "$s" | grep -q "forbidden by RBAC"; then refused=1; break; fi
	sleep 0.2
done
[ -n "$refused" ] || { screen >&2; fail "s did not say forbidden by RBAC"; }
ok "s: refused by RBAC without a replica prompt"

# the whole refusal on screen: from "forbidden by RBAC" to its closing ")"
whole_refusal() {
	screen | tr '\n' ' ' | sed 's/  */ /g' |
		grep -qE "forbidden by RBAC: [^ ]+ may not patch deployments/scale in production \([^)]+\)"
}
expect 5 "the refusal is readable whole at 80 columns" whole_refusal
ok "refusal readable whole at 80 columns"
# tall enough for the whole key table
tm resize-window -t console -x 160 -y 64

# key_dim KEY: the help's line for KEY is drawn dim: SGR 2 or 90 (the theme's
# brightblack dim slot) in force where its text starts (tmux carries
# attributes over line ends, so the state is followed from the top)
key_dim() {
	tm capture-pane -e -p -t console | /usr/bin/python3 -c '
import re, sys
key = sys.argv[1]
dim = False
def apply(seq, dim):
    for p in (seq or "0").split(";"):
        if p in ("0", "22", "39"):
            dim = False
        elif p in ("2", "90"):
            dim = True
    return dim
for line in sys.stdin.read().split("\n"):
    plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if re.match(r"  " + re.escape(key) + r" +[a-z]", plain):
        m = re.match(r"((?:\x1b\[[0-9;]*m| )*)", line)
        for sgr in re.findall(r"\x1b\[([0-9;]*)m", m.group(1)):
            dim = apply(sgr, dim)
        sys.exit(0 if dim else 1)
    for sgr in re.findall(r"\x1b\[([0-9;]*)m", line):
        dim = apply(sgr, dim)
sys.exit(1)' "$1"
}
key Escape
key '?'
wait_screen 10 "KEYS"
# every review has answered once the help says so (searched for: it may be
# below the first page)
rbac_answered() {
	keys "/RBAC checked on viewer@prod-tokyo "; key Enter
	screen | grep -q "RBAC checked on viewer@prod-tokyo :"
}
expect 60 "RBAC reviews answered" rbac_answered
key g
for k in s r u C-d; do
	expect 30 "key $k marked forbidden" line_matches_any "^  $k +[a-z-]+ .*forbidden by RBAC on viewer@prod-tokyo"
	expect 10 "key $k dimmed" key_dim "$k"
done
# keys that change nothing stay normal
if key_dim d; then fail "d (describe) dimmed"; fi
ok "help: s r u C-d dimmed and marked forbidden for the viewer"
key q
quit_console
