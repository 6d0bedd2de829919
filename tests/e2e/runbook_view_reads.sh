#!/usr/bin/env bash
# The runbooks view (":runbook" with no name) reads each runbook file once:
# it once listed the runbooks for their order, then read them all again for
# their keys, titles and kinds. Counted with strace: the opens of runbook
# files while the view opens.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

command -v strace >/dev/null || skip "strace not installed"
strace -qq -e trace=openat -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
start_drill estate --speed 4
printf '#!/bin/sh\nexec strace -f -qq -e trace=openat -o %q %q "$@"\n' "$T/trace" "$OPSDECK" \
	>"$T/traced"
chmod +x "$T/traced"
OPSDECK=$T/traced start_console --kubeconfig "$KUBECONFIG" --context prod-tokyo
wait_screen 60 "live"
opens() { grep -c 'runbooks/[^"/]*\.ya\?ml"' "$T/trace"; }
opened_at_least() { [ "$(opens)" -ge "$1" ]; }
nfiles=$(ls runbooks/*.yaml | wc -l)
# the console reads them at start for their keys; wait until it has
expect 30 "runbook files read at start" opened_at_least "$nfiles"
before=$(opens)
cmd "runbook"
wait_screen 20 "runbooks for"
expect 10 "the view's runbooks read" opened_at_least $((before + nfiles))
sleep 1
read_by_view=$(( $(opens) - before ))
[ "$read_by_view" -eq "$nfiles" ] || fail "the view opened runbook files $read_by_view times for $nfiles files"
ok "the runbooks view reads each of the $nfiles runbook files once"
quit_console
