#!/usr/bin/env bash
# The project's test command (README "Test"): installs what a fresh machine of ours lacks, then runs
# the whole build with every test tier. Kubernetes binaries are built from Go modules by the build
# itself (hack/kube-binaries.sh, cached under ~/.cache/gatehouse); Redis comes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "redis-server is missing: run 'sudo apt-get install -y redis-server', then this again." >&2
    exit 1
  fi
  echo "Installing redis-server (Debian package); the tests start their own servers on free ports." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

exec ./mvnw -B verify "$@"
