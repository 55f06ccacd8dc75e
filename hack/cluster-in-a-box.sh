#!/usr/bin/env bash
# A Kubernetes cluster with no container runtime: real etcd, kube-apiserver, kube-controller-manager
# and kube-scheduler, plus kwok, which plays the kubelet of one simulated node. Deployments roll out,
# pods are scheduled and become Ready, garbage collection and every default controller run for real;
# only the containers are simulated (docs/cluster-in-a-box.md). Everything listens on loopback.
#
# Usage: hack/cluster-in-a-box.sh [DIR]
#   DIR (default ${TMPDIR:-/tmp}/gatehouse-cluster) receives certificates, logs, etcd data and
#   DIR/kubeconfig (cluster-admin). When the cluster is ready the script writes DIR/ready and prints
#   "cluster ready"; it then waits. Ctrl-C, SIGTERM or any component exiting stops every process it
#   started and, unless KEEP_CLUSTER_DIR=1, deletes DIR's data.
#
# Pod IPs are loopback addresses, so that real processes can listen at a pod's address (the API server
# accepts loopback pod IPs; it refuses them only in Endpoints/EndpointSlices). Each cluster takes a
# range of its own, 127.R.0.0/17 with R locked for its lifetime, so that clusters running at once (a
# demo and a test run) never share an address; 127.R.255.0/24 is left for the pod runner's Service
# addresses. DIR/pod-cidr says which. GATEHOUSE_POD_CIDR overrides the choice (no lock then).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-${TMPDIR:-/tmp}/gatehouse-cluster}"
started=$(date +%s%N)

log() { echo "[cluster-in-a-box] $*" >&2; }

bin="$("$repo/hack/kube-binaries.sh" --cluster)"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
  [ -x "$bin/$b" ] || { log "missing $bin/$b"; exit 1; }
done

rm -rf "$dir"
mkdir -p "$dir"/{pki,logs,etcd}
rm -f "$dir/ready"

# --- cleanup: every process this script started, and only those ------------------------------------
pids=()
cleanup() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$dir/ready"
  if [ "${KEEP_CLUSTER_DIR:-0}" != 1 ]; then rm -rf "$dir/etcd" "$dir/pki"; fi
  log "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- a loopback range for the pods, locked (flock) while this script runs ------------------------------
if [ -n "${GATEHOUSE_POD_CIDR:-}" ]; then
  pod_cidr=$GATEHOUSE_POD_CIDR
else
  pod_cidr=""
  for _ in $(seq 1 100); do
    r=$((10 + RANDOM % 240))
    exec 9>"${TMPDIR:-/tmp}/gatehouse-loopback-127.$r.lock"
    if flock -n 9; then pod_cidr="127.$r.0.1/17"; break; fi
    exec 9>&-
  done
  [ -n "$pod_cidr" ] || { log "no free loopback range 127.R.0.0/17"; exit 1; }
fi
echo "$pod_cidr" >"$dir/pod-cidr"
log "pod IPs from $pod_cidr"

# --- free loopback ports ----------------------------------------------------------------------------
# A port is taken if something accepts a connection there; start from a random offset so that a
# second cluster (or kube-api-test) started at the same moment is unlikely to race for the same one.
# Below the kernel's ephemeral range: a port that an outgoing connection holds accepts nothing but
# cannot be bound either. (Assigns to the named variable: a $(...) subshell would not advance it.)
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
next_port=$((15000 + RANDOM % (ephemeral_low - 15000 - 100)))
free_port() {
  while (exec 3<>"/dev/tcp/127.0.0.1/$next_port") 2>/dev/null; do next_port=$((next_port + 1)); done
  printf -v "$1" %s "$next_port"
  next_port=$((next_port + 1))
}
free_port etcd_port; free_port etcd_peer_port; free_port api_port
free_port kcm_port; free_port sched_port; free_port kwok_port

# --- certificates: a CA, the API server's serving cert, an admin client cert, the SA key pair -------
pki="$dir/pki"
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=gatehouse-cluster-in-a-box-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
cat >"$pki/apiserver.ext" <<EOF
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1
extendedKeyUsage=serverAuth
EOF
ossl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr"
ossl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
  -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt"
# One identity in system:masters for every component and the user: this cluster is a test bench, and
# per-component RBAC is what the API-server tier tests, not this one.
echo "extendedKeyUsage=clientAuth" >"$pki/client.ext"
ossl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=cluster-admin" -keyout "$pki/admin.key" -out "$pki/admin.csr"
ossl x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
  -extfile "$pki/client.ext" -out "$pki/admin.crt"
ossl genrsa -out "$pki/sa.key" 2048
ossl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig="$dir/kubeconfig"
cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: cluster-in-a-box
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $pki/ca.crt
users:
- name: cluster-admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: cluster-in-a-box
  context: {cluster: cluster-in-a-box, user: cluster-admin, namespace: default}
current-context: cluster-in-a-box
EOF
kubectl() { "$bin/kubectl" --kubeconfig "$kubeconfig" "$@"; }

# --- processes ----------------------------------------------------------------------------------------
start() {
  local name=$1; shift
  "$@" >"$dir/logs/$name.log" 2>&1 &
  pids+=("$!")
  log "$name started (pid $!, log $dir/logs/$name.log)"
}

# Waits for a check to pass, failing at once if any started process has exited.
wait_for() {
  local what=$1 timeout=$2; shift 2
  local deadline=$(( $(date +%s) + timeout )) pid
  until "$@" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        log "a component exited while waiting for $what; last log lines:"
        tail -n 5 "$dir"/logs/*.log >&2
        exit 1
      fi
    done
    if [ "$(date +%s)" -ge "$deadline" ]; then log "timed out waiting for $what"; exit 1; fi
    sleep 0.5
  done
}
healthy() { curl -fsk --cacert "$pki/ca.crt" "$1" ; }

# No fsync: the data lives only as long as the cluster, and fsync on a busy CI disk stalls etcd.
start etcd "$bin/etcd" --name box --data-dir "$dir/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "box=http://127.0.0.1:$etcd_peer_port" --listen-metrics-urls ""
wait_for etcd 60 curl -fs "http://127.0.0.1:$etcd_port/health"

# Structured authentication, no JWT issuer yet: a test or a user adds one (a Gatehouse issuer, so
# that kubectl users log in with Gatehouse tokens) by rewriting DIR/authentication-config.yaml,
# which the API server reloads by itself (docs/cluster-in-a-box.md).
cat > "$dir/authentication-config.yaml" <<'EOF'
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
jwt: []
EOF

# --endpoint-reconciler-type=none: the only address is loopback, which the `kubernetes` Service's
# EndpointSlice may not hold; nothing here needs in-cluster access to the API server.
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode Node,RBAC \
  --authentication-config "$dir/authentication-config.yaml" \
  --enable-priority-and-fairness=false
wait_for kube-apiserver 120 healthy "https://127.0.0.1:$api_port/readyz"

# No leader election: one replica of each, and electing costs seconds at every start.
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig "$kubeconfig" --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --root-ca-file "$pki/ca.crt" --service-account-private-key-file "$pki/sa.key" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
  --authorization-always-allow-paths /healthz,/readyz,/livez,/metrics
start kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig "$kubeconfig" --authentication-kubeconfig "$kubeconfig" --authorization-kubeconfig "$kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false \
  --authorization-always-allow-paths /healthz,/readyz,/livez,/metrics
# kwok's default pod stages, except that the Gatehouse operator's pods wait for a real readiness
# probe (hack/cluster-in-a-box/kwok-stages.yaml says why).
start kwok "$bin/kwok" --kubeconfig "$kubeconfig" --config "$repo/hack/cluster-in-a-box/kwok-stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --cidr "$pod_cidr" --node-ip 127.0.0.1 --node-lease-duration-seconds=40 \
  --server-address "127.0.0.1:$kwok_port"
wait_for kube-controller-manager 60 healthy "https://127.0.0.1:$kcm_port/healthz"
wait_for kube-scheduler 60 healthy "https://127.0.0.1:$sched_port/healthz"

# The simulated node: kwok keeps its status (Ready, heartbeats) and plays its kubelet.
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
wait_for "node Ready" 60 kubectl wait --for=condition=Ready node/kwok-node-0 --timeout=1s
# Pods need their namespace's default ServiceAccount (created by the controller-manager).
wait_for "default ServiceAccount" 60 kubectl get serviceaccount default -n default

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "$bin" >"$dir/bin-dir"
echo "$kubeconfig" >"$dir/ready"
log "cluster ready in ${elapsed_ms} ms: export KUBECONFIG=$kubeconfig"
echo "cluster ready"

# Stay up until told to stop, or until any component dies (then clean up everything and fail).
while true; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "a component (pid $pid) exited; stopping the cluster. Logs: $dir/logs"
      exit 1
    fi
  done
  sleep 1
done
