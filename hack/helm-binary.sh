#!/usr/bin/env bash
# Builds the helm CLI that the chart tests run, from Go modules (our machines reach the Go module proxy
# but not helm's release downloads). helm.sh/helm/v3 has no replace directives, so a plain `go install`
# works. Cached outside the repo, keyed by version: a rerun only checks that the binary is there.
#
# Usage: hack/helm-binary.sh [LINK]   prints the path of the helm binary; with LINK, also makes LINK a
#        symbolic link to it (the build links it into helm-tests/target/helm/helm)
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-3.21.4}
CACHE_DIR=${GATEHOUSE_CACHE_DIR:-$HOME/.cache/gatehouse}
bin_dir="$CACHE_DIR/helm/$HELM_VERSION"
helm="$bin_dir/helm"

if [ ! -x "$helm" ]; then
  echo "[helm-binary] building helm v$HELM_VERSION from Go modules (a few minutes on 2 cores)" >&2
  mkdir -p "$bin_dir"
  # Stamped like a release build, so that `helm version` (and a failing test's log) names it.
  GOBIN="$bin_dir/.tmp" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
  mv "$bin_dir/.tmp/helm" "$helm"
  rmdir "$bin_dir/.tmp"
fi
if [ -n "${1:-}" ]; then
  mkdir -p "$(dirname "$1")"
  ln -sfn "$helm" "$1"
fi
echo "$helm"
