#!/usr/bin/env bash
# Builds one of the tests' Go probes: a small program under a module's src/test/go/ that runs a
# library others ship, e.g. operator/src/test/go/kstatus (sigs.k8s.io/cli-utils' status.Compute on
# one object read from stdin) or auth-service/src/test/go/envoy-bootstrap (Envoy's API checking a
# bootstrap file). Only the Go module proxy is needed: go.sum pins every module. Cached outside the
# repo, keyed by a hash of the probe's source and module files, so a rerun only checks that the
# binary is there.
#
# Usage: hack/go-probe.sh DIR [LINK [PACKAGE]]   DIR is the probe's directory (relative to the
#        repository or absolute); prints the path of the binary; with LINK, also makes LINK a symbolic
#        link to it (the build links each probe into its module's target/). PACKAGE is what to build:
#        the probe's own main package by default, or a program its go.mod requires as a tool
#        (auth-service/src/test/go/traefik: Traefik's own cmd/traefik, minutes on 2 cores, once).
set -euo pipefail
# A directory that only names a tool has no .go file of its own.
shopt -s nullglob

repo="$(cd "$(dirname "$0")/.." && pwd)"
case "$1" in
  /*) src="$1" ;;
  *) src="$repo/$1" ;;
esac
src="$(cd "$src" && pwd)"
name="$(basename "$src")"
CACHE_DIR=${GATEHOUSE_CACHE_DIR:-$HOME/.cache/gatehouse}
key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)
bin_dir="$CACHE_DIR/$name/$key"
binary="$bin_dir/$name"

if [ ! -x "$binary" ]; then
  echo "[go-probe] building $name ($src${3:+, $3}) from Go modules" >&2
  mkdir -p "$bin_dir"
  (cd "$src" && CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -trimpath -ldflags "-s -w" \
    -o "$binary.tmp" "${3:-.}")
  mv "$binary.tmp" "$binary"
fi
if [ -n "${2:-}" ]; then
  mkdir -p "$(dirname "$2")"
  ln -sfn "$binary" "$2"
fi
echo "$binary"
