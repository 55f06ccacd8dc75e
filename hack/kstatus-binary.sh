#!/usr/bin/env bash
# Builds the kstatus probe (operator/src/test/go/kstatus: sigs.k8s.io/cli-utils' status.Compute on one
# object read from stdin), which the operator's tests run to see an AuthService as Flux sees it. Only
# the Go module proxy is needed: go.sum pins every module. Cached outside the repo, keyed by a hash of
# the probe's source and module files, so a rerun only checks that the binary is there.
#
# Usage: hack/kstatus-binary.sh [LINK]   prints the path of the binary; with LINK, also makes LINK a
#        symbolic link to it (the build links it into operator/target/kstatus/kstatus)
set -euo pipefail

src="$(cd "$(dirname "$0")/../operator/src/test/go/kstatus" && pwd)"
CACHE_DIR=${GATEHOUSE_CACHE_DIR:-$HOME/.cache/gatehouse}
key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)
bin_dir="$CACHE_DIR/kstatus/$key"
kstatus="$bin_dir/kstatus"

if [ ! -x "$kstatus" ]; then
  echo "[kstatus-binary] building the kstatus probe (sigs.k8s.io/cli-utils) from Go modules" >&2
  mkdir -p "$bin_dir"
  (cd "$src" && CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -trimpath -ldflags "-s -w" \
    -o "$kstatus.tmp" .)
  mv "$kstatus.tmp" "$kstatus"
fi
if [ -n "${1:-}" ]; then
  mkdir -p "$(dirname "$1")"
  ln -sfn "$kstatus" "$1"
fi
echo "$kstatus"
