#!/usr/bin/env bash
# Builds the real control plane the realk8s tests run against, from the Go
# modules pinned in tests/realk8s/cp/go.mod (kube-apiserver,
# kube-controller-manager, kube-scheduler, etcd) and tests/realk8s/kwok/go.mod
# (kwok), into
#   ${OPSDECK_REALK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/opsdeck/realk8s}/bin
# Binaries are reused while a stamp of the pinned sources and the Go version
# still matches; otherwise they are rebuilt (the Go build cache makes a
# rebuild after a small change quick). Prints how long the build took, and
# when the binaries are reused, how long the build that made them took (from
# build-times.log in the cache folder).
#
# A cold build (empty Go build cache and cache folder, Go module cache
# present; kubernetes v1.34.4, go1.26, -p 2) measured on 2026-12-07 on a
# 2-core machine shared with six other builds and test runs (load average
# 5 to 22): control plane + etcd 72 min 18 s wall, 22 min 07 s CPU (user +
# sys); kwok then 3 min 59 s wall, 4 min 22 s CPU. 26.5 CPU minutes in all:
# at least 13 minutes on two idle cores. A rebuild with a warm Go build
# cache takes 1.5 to 4 minutes (build-times.log).
#
# Exit status: 0 built or up to date; 3 no Go toolchain; other: build failed.
# OPSDECK_REALK8S_JOBS sets `go build -p` (default 2).
set -euo pipefail
# All of it is read before any of it runs: a checkout that changes this file
# during a long build must not make bash go on reading at a shifted offset.
{
here=$(cd "$(dirname "$0")" && pwd)
cache=${OPSDECK_REALK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/opsdeck/realk8s}
bin=$cache/bin
export PATH=$PATH:/usr/local/go/bin
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
jobs=${OPSDECK_REALK8S_JOBS:-2}

if ! command -v go >/dev/null 2>&1; then
	echo "realk8s: no Go toolchain (looked in PATH and /usr/local/go/bin)" >&2
	exit 3
fi

# The pin, written either "require k8s.io/kubernetes vX" or inside a
# "require (" block.
k8s_version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3; exit }
	$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$here/cp/go.mod")
[ -n "$k8s_version" ] || { echo "realk8s: cp/go.mod does not pin k8s.io/kubernetes" >&2; exit 1; }
minor=${k8s_version#v1.}; minor=${minor%%.*}

# The stamp: the Go version, the pins and the lines of this script that
# shape the binaries (not its comments or messages, whose edits would
# otherwise rebuild everything).
stamp_of() {
	{
		go version
		grep -E '^(export GO|vpkg=|ldflags=|\(cd )|^	(k8s\.io|\./cmd)/' "$here/build.sh"
		cat "$here/cp/go.mod" "$here/cp/go.sum" "$here/cp/cmd/etcd/main.go" \
			"$here/kwok/go.mod" "$here/kwok/go.sum"
	} | sha256sum | cut -d' ' -f1
}
want=$(stamp_of)
components=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)

up_to_date() {
	local c
	[ "$(cat "$bin/.stamp" 2>/dev/null)" = "$want" ] || return 1
	for c in "${components[@]}"; do [ -x "$bin/$c" ] || return 1; done
}

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9
if up_to_date; then
	last=$(grep -F " kubernetes $k8s_version: " "$cache/build-times.log" 2>/dev/null | tail -n 1 || true)
	echo "realk8s: binaries in $bin are up to date (kubernetes $k8s_version${last:+; their build at ${last%%Z *}Z took ${last##*, total }})"
	exit 0
fi

staging=$cache/.staging.$$
rm -rf "$staging"; mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
t0=$(date +%s)
echo "realk8s: building kubernetes $k8s_version control plane, etcd and kwok into $bin (go build -p $jobs)"

vpkg=k8s.io/component-base/version
ldflags="-s -w -X $vpkg.gitVersion=$k8s_version -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor"
ldflags="$ldflags -X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"
(cd "$here/cp" && go build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$staging/" \
	k8s.io/kubernetes/cmd/kube-apiserver \
	k8s.io/kubernetes/cmd/kube-controller-manager \
	k8s.io/kubernetes/cmd/kube-scheduler \
	./cmd/etcd)
t1=$(date +%s)
(cd "$here/kwok" && go build -p "$jobs" -trimpath -ldflags "-s -w" -o "$staging/" sigs.k8s.io/kwok/cmd/kwok)
t2=$(date +%s)

mkdir -p "$bin"
for c in "${components[@]}"; do mv -f "$staging/$c" "$bin/$c"; done
echo "$want" >"$bin/.stamp"
line="$(date -u +%FT%TZ) kubernetes $k8s_version: control plane + etcd $((t1 - t0))s, kwok $((t2 - t1))s, total $((t2 - t0))s"
echo "$line" >>"$cache/build-times.log"
echo "realk8s: built in $((t2 - t0))s (control plane + etcd $((t1 - t0))s, kwok $((t2 - t1))s)"
exit 0
}
