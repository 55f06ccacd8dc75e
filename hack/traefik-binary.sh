#!/usr/bin/env bash
# Builds the real Traefik (auth-service/src/test/go/traefik: Traefik's own cmd/traefik at the version
# its go.mod names), which the auth service's TraefikForwardAuthIT runs with examples/traefik. Only
# the Go module proxy is needed: go.sum pins every module. Cached outside the repo, keyed by a hash of
# the module files, so a rerun only checks that the binary is there.
#
# Usage: hack/traefik-binary.sh [LINK]   prints the path of the binary; with LINK, also makes LINK a
#        symbolic link to it (the build links it into auth-service/target/traefik/traefik)
set -euo pipefail

src="$(cd "$(dirname "$0")/../auth-service/src/test/go/traefik" && pwd)"
CACHE_DIR=${GATEHOUSE_CACHE_DIR:-$HOME/.cache/gatehouse}
key=$(cat "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
bin_dir="$CACHE_DIR/traefik/$key"
traefik="$bin_dir/traefik"

if [ ! -x "$traefik" ]; then
  version=$(cd "$src" && go list -m -f '{{.Version}}' github.com/traefik/traefik/v3)
  echo "[traefik-binary] building Traefik $version from Go modules (minutes on 2 cores, once)" >&2
  mkdir -p "$bin_dir"
  # The version stamp Traefik's own release build sets, so the binary says what it is.
  (cd "$src" && CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -trimpath \
    -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$version" \
    -o "$traefik.tmp" github.com/traefik/traefik/v3/cmd/traefik)
  mv "$traefik.tmp" "$traefik"
fi
if [ -n "${1:-}" ]; then
  mkdir -p "$(dirname "$1")"
  ln -sfn "$traefik" "$1"
fi
echo "$traefik"
