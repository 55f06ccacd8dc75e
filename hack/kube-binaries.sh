#!/usr/bin/env bash
# Builds the Kubernetes binaries that the tests run (etcd, kube-apiserver, kubectl; with --cluster also
# kube-controller-manager, kube-scheduler and kwok) from Go modules, because our machines reach the Go
# module proxy but not the release downloads. Results are cached outside the repo, keyed by version, so
# a rerun only checks that they are there. Finally the three files fabric8 kube-api-test needs are laid
# where it looks: $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64 (default ~/.kubeapitest).
#
# Usage: hack/kube-binaries.sh [--cluster]     prints the directory that holds the binaries
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.34.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
KWOK_VERSION=${KWOK_VERSION:-0.7.0}
CACHE_DIR=${GATEHOUSE_CACHE_DIR:-$HOME/.cache/gatehouse}
KUBE_API_TEST_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}

bin_dir="$CACHE_DIR/kube/$K8S_VERSION-etcd$ETCD_VERSION"
src_dir="$CACHE_DIR/src"
mkdir -p "$bin_dir" "$src_dir"

log() { echo "[kube-binaries] $*" >&2; }

# The 1.34 "staging" modules: k8s.io/kubernetes' go.mod replaces them with local paths, so a scratch
# module has to point each one at its published v0.34.x release instead.
STAGING="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
pod-security-admission sample-apiserver sample-cli-plugin sample-controller"

build_kubernetes() {
  local cmds=("$@") missing=()
  for c in "${cmds[@]}"; do [ -x "$bin_dir/$c" ] || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] && return
  local mod="$src_dir/kubernetes-$K8S_VERSION"
  mkdir -p "$mod"
  (
    cd "$mod"
    if [ ! -f go.mod ]; then
      go mod init gatehouse.dev/kube-binaries >/dev/null 2>&1
      local replaces=()
      for m in $STAGING; do replaces+=("-replace=k8s.io/$m=k8s.io/$m@v0.${K8S_VERSION#1.}"); done
      go mod edit "${replaces[@]}"
      go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
    fi
    for c in "${missing[@]}"; do
      log "resolving k8s.io/kubernetes/cmd/$c@v$K8S_VERSION"
      go get "k8s.io/kubernetes/cmd/$c@v$K8S_VERSION" >/dev/null
    done
    local minor=${K8S_VERSION#1.}; minor=${minor%%.*}
    local ldflags="-s -w"
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    done
    for c in "${missing[@]}"; do
      log "building $c (minutes on 2 cores)"
      CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$bin_dir/$c.tmp" "k8s.io/kubernetes/cmd/$c"
      mv "$bin_dir/$c.tmp" "$bin_dir/$c"
    done
  )
}

build_etcd() {
  [ -x "$bin_dir/etcd" ] && return
  local mod="$src_dir/etcd-$ETCD_VERSION"
  mkdir -p "$mod"
  (
    cd "$mod"
    [ -f go.mod ] || go mod init gatehouse.dev/etcd-binary >/dev/null 2>&1
    log "building etcd v$ETCD_VERSION"
    go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin_dir/etcd.tmp" go.etcd.io/etcd/server/v3
    mv "$bin_dir/etcd.tmp" "$bin_dir/etcd"
  )
}

build_kwok() {
  [ -x "$bin_dir/kwok" ] && return
  log "building kwok v$KWOK_VERSION"
  GOBIN="$bin_dir" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
}

build_etcd
build_kubernetes kube-apiserver kubectl
if [ "${1:-}" = "--cluster" ]; then
  build_kubernetes kube-controller-manager kube-scheduler
  build_kwok
fi

# kube-api-test wants plain copies (it reads the directory name as the version, so no "v" or suffix).
target="$KUBE_API_TEST_DIR/k8s/$K8S_VERSION-linux-amd64"
mkdir -p "$target"
for c in etcd kube-apiserver kubectl; do
  cmp -s "$bin_dir/$c" "$target/$c" 2>/dev/null || cp "$bin_dir/$c" "$target/$c"
done
echo "$bin_dir"
