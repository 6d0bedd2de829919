# Helpers for the console's screen tests (sourced after tests/lib/common.sh):
# a private tmux server per test, the console started in it, screen polls.
command -v tmux >/dev/null 2>&1 || skip "tmux not installed"
TMUX_SOCK=opsdeck-test-$$
on_exit "tmux -L $TMUX_SOCK kill-server"

tm() { tmux -L "$TMUX_SOCK" "$@"; }

# start_console ARGS...: run the console in a 160x48 pane (kept on exit so
# a failure stays readable); CONSOLE_PID is the console's pid. CONSOLE_ENV
# adds NAME=VALUE words to its environment.
start_console() {
	local cmd q a
	cmd="exec env TERM=tmux-256color LANG=C.UTF-8 ${CONSOLE_ENV:-} $(printf '%q ' "$OPSDECK" "$@") 2>$T/console.err"
	# a server killed just before may still be exiting: "server exited
	# unexpectedly" on the first try, a fresh server on the next
	for q in 1 2 3 4 5; do
		tm new-session -d -x 160 -y 48 -s console "sleep 600" && break
		sleep 0.3
	done
	tm set-option -g remain-on-exit on
	tm respawn-pane -k -t console "$cmd"
	CONSOLE_PID=$(tm display -p -t console '#{pane_pid}')
}

screen() { tm capture-pane -p -t console; }

# The header's cluster line.
header() { screen | sed -n 2p; }

# wait_screen TIMEOUT NEEDLE: until the screen shows NEEDLE.
wait_screen() {
	local limit=$1 needle=$2 end=$((SECONDS + $1))
	until screen | grep -qF -- "$needle"; do
		if [ $SECONDS -ge $end ]; then
			screen >&2
			cat "$T/console.err" >&2 2>/dev/null || true
			fail "screen did not show '$needle' within ${limit}s"
		fi
		sleep 0.2
	done
}

# wait_gone TIMEOUT NEEDLE: until the screen no longer shows NEEDLE.
wait_gone() {
	local limit=$1 needle=$2 end=$((SECONDS + $1))
	while screen | grep -qF -- "$needle"; do
		if [ $SECONDS -ge $end ]; then
			screen >&2
			fail "screen still shows '$needle' after ${limit}s"
		fi
		sleep 0.2
	done
}

# keys TEXT: type literal text; key NAME...: tmux key names (Enter, Escape).
keys() { tm send-keys -t console -l -- "$1"; }
key() { tm send-keys -t console "$@"; }
# cmd TEXT: ":TEXT" Enter
cmd() { keys ":$1"; key Enter; }

# break_staging_backend: staging's backend rolled to an image that crash
# loops (what an on-call engineer sees first in the estate scenario).
break_staging_backend() {
	wait_for 60 kubectl --context staging -n staging get deploy backend || fail "no staging backend"
	kubectl --context staging -n staging set image deploy/backend \
		backend=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/quiz-backend:v2.4.0-bad >/dev/null
}

# show_backend: prod-tokyo's production deployments filtered to backend
# (the selection actions and runbooks then act on).
show_backend() {
	cmd "deployments @prod-tokyo production"
	wait_screen 30 "backend"
	keys "/backend"; key Enter
	wait_screen 10 "filter:/backend/"
}

# Wait until the console process is gone.
wait_exit() {
	local end=$((SECONDS + $1))
	# gone, or a zombie tmux has not reaped yet
	while ps -o stat= -p "$CONSOLE_PID" 2>/dev/null | grep -qv '^Z'; do
		if [ $SECONDS -ge $end ]; then
			screen >&2
			ps -o pid,stat,wchan:20,cmd -p "$CONSOLE_PID" >&2 || true
			fail "console did not exit"
		fi
		sleep 0.2
	done
}

# rows_show HAVE [LACK]: the table rows (below the header) show HAVE and not LACK.
rows_show() {
	local s
	s=$(screen | sed -n '4,47p')
	echo "$s" | grep -qE -- "$1" || return 1
	[ -z "${2:-}" ] || ! echo "$s" | grep -qE -- "$2"
}

# line_matches N REGEX: screen line N matches REGEX.
line_matches() { screen | sed -n "${1}p" | grep -qE -- "$2"; }

# line_matches_any REGEX: some screen line matches REGEX.
line_matches_any() { screen | grep -qE -- "$1"; }

# expect TIMEOUT WHAT COMMAND...: poll COMMAND; on timeout dump the screen.
expect() {
	local limit=$1 what=$2; shift 2
	wait_for "$limit" "$@" || { screen >&2; fail "$what (after ${limit}s)"; }
}

# line_dim REGEX: the first screen line matching REGEX (extended, on the
# plain text) is drawn dim (SGR 2) or in the theme's brightblack dim slot
# (SGR 90) where its text starts; tmux -e only emits changes, so the state
# is carried from line to line
line_dim() {
	tm capture-pane -e -p -t console | /usr/bin/python3 -c '
import re, sys
want = re.compile(sys.argv[1])
dim = fg90 = False
def apply(sgr):
    global dim, fg90
    for p in (sgr or "0").split(";"):
        if p in ("0", ""):
            dim = fg90 = False
        elif p == "2":
            dim = True
        elif p == "22":
            dim = False
        elif p == "90":
            fg90 = True
        elif p == "39" or (p.isdigit() and (30 <= int(p) <= 37 or 91 <= int(p) <= 97)):
            fg90 = False
sgr_re = re.compile(r"\x1b\[([0-9;]*)m")
for line in sys.stdin.read().split("\n"):
    hit = want.search(sgr_re.sub("", line)) is not None
    pos = 0
    for m in sgr_re.finditer(line):
        if hit and line[pos:m.start()].strip() != "":
            break		# the text has started
        apply(m.group(1))
        pos = m.end()
    if hit:
        sys.exit(0 if dim or fg90 else 1)
sys.exit(1)' "$1"
}

# alive PID: running (a zombie waiting for tmux to reap it has exited).
alive() {
	local st
	st=$(grep '^State:' "/proc/$1/status" 2>/dev/null) || return 1	# gone
	case $st in *Z*) return 1 ;; esac
}

# quit_console: Esc, ":q", wait until the console process is gone; a ":q"
# typed while the console is busy can be lost, so say it once more.
quit_console() {
	local end try
	for try in 1 2; do
		key Escape
		cmd q
		end=$((SECONDS + 45))
		while alive "$CONSOLE_PID" && [ $SECONDS -lt $end ]; do sleep 0.2; done
		alive "$CONSOLE_PID" || return 0
		echo "note: the console did not quit after :q ($try)"
	done
	screen >&2
	grep State "/proc/$CONSOLE_PID/status" >&2
	command -v gdb >/dev/null && gdb -p "$CONSOLE_PID" -batch -ex "thread apply all bt" \
		2>/dev/null | grep '^#' >&2
	fail "console did not exit"
}

# first_staging_backend POD: once staging is live, its backend pods (POD
# the first) with the first row selected.
first_staging_backend() {
	wait_screen 60 "staging(staging) live"
	cmd "pods @staging staging"
	wait_screen 30 "$1"
	keys "/backend"; key Enter
	wait_screen 10 "filter:/backend/"
	key g
}

# key_on_pod POD KEY NEEDLE CONSOLE_ARGS...: a console on CONSOLE_ARGS, the
# staging pods view, KEY on its first row (POD shown first): the screen must
# say NEEDLE; then quit.
key_on_pod() {
	local pod=$1 k=$2 needle=$3
	shift 3
	start_console "$@"
	wait_screen 60 " live"
	cmd "pods staging"
	wait_screen 30 "$pod"
	key g
	key "$k"
	wait_screen 30 "$needle"
	quit_console
	tm kill-server 2>/dev/null || true
}

# The port-forwards view: the LOCAL column of the row matching REGEX;
# whether that row is forwarding.
local_port() { screen | grep -E -- "$1" | awk '{print $1}' | head -1; }
forwarding() { screen | grep -E -- "$1" | grep -q " forwarding "; }

# forward_pod POD PORT: F on the selected row (POD), LOCAL 0 for PORT, then
# :port-forwards until POD's forward is up; PF_LPORT is its local port.
forward_pod() {
	local pod=$1 port=$2
	key F
	wait_screen 30 "port-forward LOCAL:REMOTE (LOCAL 0: any free port): $port:$port"
	key C-u; keys "0:$port"; key Enter
	wait_screen 30 "started: pod/$pod on 127.0.0.1"
	cmd "pf"
	wait_screen 10 "port-forwards"
	expect 30 "the forward is up" forwarding "pod/$pod:$port"
	PF_LPORT=$(local_port "pod/$pod:$port")
	[ "$PF_LPORT" -gt 0 ] 2>/dev/null || fail "no local port: '$PF_LPORT'"
}
