#!/usr/bin/env bash
# The project's test command (README "Test"): installs what a fresh machine of ours lacks, then runs
# the whole build with every test tier. Kubernetes binaries are built from Go modules by the build
# itself (hack/kube-binaries.sh, cached under ~/.cache/gatehouse); Redis comes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests run: redis-server (the auth service's store); nginx (the forward-auth
# recipe is run by a real nginx, the Caddy recipe by a real caddy); openssl and curl (the e2e tier's cluster in a box makes its
# certificates with openssl and checks component health with curl; the TLS tests make theirs with
# openssl too); prometheus for its promtool, which lints the service's metrics (no server is run).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/caddy ] || missing+=(caddy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -x /usr/bin/promtool ] || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "${missing[*]} missing: run 'sudo apt-get install -y ${missing[*]}', then this again." >&2
    exit 1
  fi
  echo "Installing ${missing[*]} (Debian packages); the tests start their own servers on free ports." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package may start its own nginx on port 80; the tests start theirs on loopback.
  /usr/sbin/nginx -s quit >/dev/null 2>&1 || true
fi

exec ./mvnw -B verify "$@"
