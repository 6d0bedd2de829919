#!/usr/bin/env bash
# Idle output: on a settled estate, with nothing changing on the overview,
# the console only rewrites the clock: under 50 bytes a second, measured on
# the raw terminal stream (tmux pipe-pane) over about ten seconds.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

start_console --drill estate
wait_screen 60 "dev(dev) live"
# settle: the overview's text (the clock aside) stays the same for 3 s
end=$((SECONDS + 120))
prev=""
while :; do
	cur=$(screen | sed 1d)
	[ "$cur" = "$prev" ] && break
	[ $SECONDS -lt $end ] || fail "the overview never settled"
	prev=$cur
	sleep 3
done
: >"$T/raw"
tm pipe-pane -t console -o "cat >>$T/raw"
t0=$(date +%s.%N)
sleep 10
tm pipe-pane -t console
t1=$(date +%s.%N)
bytes=$(wc -c <"$T/raw")
rate=$(python3 -c "print(round($bytes / ($t1 - $t0), 1))")
echo "idle: $bytes bytes in $(python3 -c "print(round($t1 - $t0, 1))") s = $rate bytes/s"
# the clock ticked, so the capture worked; and it stayed cheap
[ "$bytes" -gt 0 ] || fail "nothing written in 10 s: the clock should tick"
python3 -c "import sys; sys.exit(0 if $rate < 50 else 1)" || fail "idle output $rate bytes/s (limit 50)"
ok "idle output $rate bytes/s"
