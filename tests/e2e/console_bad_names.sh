#!/usr/bin/env bash
# A context or namespace that does not exist is refused with the near names
# offered, and changes nothing: :ctx NAME, :ns NAME and a view's NAMESPACE
# argument are checked against the clusters and the namespaces they list.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/console_lib.bash"

# The header without its numbers (clock, row counts, ages): the view, the
# namespace and every cluster's state.
head_state() { screen | sed -n 1,2p | sed -E 's/[0-9]+//g'; }

start_console --drill estate
wait_screen 60 "dev(dev) live"
cmd "pods"
wait_screen 30 "pods ["
before=$(head_state)

cmd "ctx nosuch"
wait_screen 10 "no context 'nosuch'"
[ "$(head_state)" = "$before" ] || { screen >&2; fail ":ctx nosuch changed the header"; }
screen | grep -q "CONTEXT" && { screen >&2; fail ":ctx nosuch opened the contexts view"; }
ok ":ctx nosuch: refused, header and view unchanged"

cmd "ctx prod-tokio"
wait_screen 10 "no context 'prod-tokio'; did you mean prod-tokyo?"
ok ":ctx prod-tokio: prod-tokyo offered"

cmd "pods @prod-tokio"
wait_screen 10 "no context 'prod-tokio'; did you mean prod-tokyo?"
ok ":pods @prod-tokio: prod-tokyo offered"

cmd "ns productoin"
wait_screen 10 "no namespace 'productoin'; did you mean production?"
[ "$(head_state)" = "$before" ] || { screen >&2; fail ":ns productoin changed the header"; }
ok ":ns productoin: refused, production offered, header unchanged"

cmd "ns nosuch-ns"
wait_screen 10 "no namespace 'nosuch-ns'"
screen | grep -q "ns:nosuch-ns" && { screen >&2; fail ":ns nosuch-ns was taken"; }
ok ":ns nosuch-ns: refused"

cmd "deploy productoin"
wait_screen 10 "no namespace 'productoin'; did you mean production?"
ok ":deploy productoin: refused, production offered"

cmd "ns staging"
wait_screen 10 "ns:staging"
expect 10 "staging pods only" rows_show "staging" "kube-system"
ok ":ns staging still switches the namespace"

cmd "ctx prod-osaka"
wait_screen 10 "CONTEXT"
ok ":ctx prod-osaka opens the contexts view"
cmd q
wait_exit 30
