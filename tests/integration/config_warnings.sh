#!/usr/bin/env bash
# Unknown keys in config.yaml are warned about (file and line) by headless
# commands, and the command still does its work.
. "$(dirname "$0")/../lib/common.sh"

start_drill estate
mkdir -p "$XDG_CONFIG_HOME/opsdeck"
printf 'theme: default\ncolour: red\ncontexts:\n  dev: {role: dev, protectd: true}\n' \
	>"$XDG_CONFIG_HOME/opsdeck/config.yaml"

"$OPSDECK" get ns --context dev >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "get failed"; }
grep -q "^dev  *default  *Active" "$T/out" || { cat "$T/out"; fail "rows missing"; }
grep -q "config.yaml:2: unknown key 'colour'" "$T/err" || { cat "$T/err"; fail "no warning for colour"; }
grep -q "config.yaml:4:.*protectd" "$T/err" || { cat "$T/err"; fail "no warning for protectd"; }
[ "$(grep -c warning "$T/err")" -eq 2 ] || { cat "$T/err"; fail "expected exactly two warnings"; }

"$OPSDECK" runbook run rollback-deployment --context dev --target deployments/frontend \
	-n production --dry-run >/dev/null 2>"$T/err2" || true
grep -q "unknown key 'colour'" "$T/err2" || { cat "$T/err2"; fail "runbook run does not warn"; }
ok "config warnings shown with their line numbers"
