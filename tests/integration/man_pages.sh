#!/usr/bin/env bash
# The manual pages are clean mdoc: groff (and mandoc, where installed) lint
# them without a warning, and the rendered text has no mdoc macro names left
# in it and no parentheses that do not pair up (a misused enclosure macro such
# as Pq swallows the rest of its line and closes at its end).
. "$(dirname "$0")/../lib/common.sh"
command -v groff >/dev/null || skip "groff is not installed"

man_dir=$(cd "$(dirname "$0")/../../man" && pwd)
pages=("$man_dir"/*.[1-8])
[ -e "${pages[0]}" ] || fail "no manual pages in $man_dir"

# Macro names an mdoc page uses inline; as words of rendered text they mean a
# macro was written on a text line, where troff prints it verbatim.
macros='Ar|Cm|Dq|Dv|Em|Er|Ev|Fl|Ic|Li|Nm|Ns|Oc|Oo|Op|Pa|Pc|Po|Pq|Ql|Qq|Sq|Sy|Va|Xr'

for page in "${pages[@]}"; do
	name=$(basename "$page")
	warn=$(groff -ww -z -mandoc "$page" 2>&1) || fail "$name: groff failed: $warn"
	[ -z "$warn" ] || fail "$name: groff warns: $warn"
	if command -v mandoc >/dev/null; then
		warn=$(mandoc -T lint -W warning "$page" 2>&1) || fail "$name: mandoc lint: $warn"
		[ -z "$warn" ] || fail "$name: mandoc lint: $warn"
	fi
	ok "$name: lints clean"

	# man -l renders through groff -mandoc; the text as a reader sees it.
	text=$(groff -mandoc -Tutf8 -P-cbou "$page" 2>/dev/null) || fail "$name: groff cannot render it"
	[ -n "$text" ] || fail "$name: renders empty"
	echo "$text" >"$T/$name.txt"
	left=$(grep -nE "(^|[[:space:]])($macros)([[:space:]]|$)" "$T/$name.txt" || true)
	[ -z "$left" ] || fail "$name: macro names in the rendered text: $left"
	ok "$name: no macro names in the rendered text"

	# Cross references such as kubectl(1) are pairs of their own; take them
	# out, then every "(" must have its ")" and no ")" may come doubled.
	bare=$(sed -E 's/[[:alnum:]_.-]+\([1-9][[:alnum:]]*\)/REF/g' "$T/$name.txt")
	runs=$(echo "$bare" | grep -nE '\)\)' || true)
	[ -z "$runs" ] || fail "$name: runs of closing parentheses: $runs"
	opens=$(echo "$bare" | tr -cd '(' | wc -c)
	closes=$(echo "$bare" | tr -cd ')' | wc -c)
	[ "$opens" -eq "$closes" ] || fail "$name: $opens '(' but $closes ')' in the rendered text"
	ok "$name: parentheses pair up"
done
