#!/usr/bin/env bash
# The whole of Gatehouse on this machine, with no cloud and no container runtime:
#   a cluster in a box (real etcd, kube-apiserver, controller-manager, scheduler; kwok's simulated node),
#   the CRD, the operator, examples/minimal.yaml, real auth-service and redis-server processes for its
#   pods, the status with Ready and Redis pool health, and a token issue -> verify -> revoke round trip.
# Builds what is missing first (Maven package; Kubernetes binaries from Go modules, ~10 min once).
# Everything it starts is stopped when it ends (Ctrl-C included).
#
# Usage: hack/demo.sh [--keep | --steady-state SECONDS]
#   --keep                  stay up after the round trip until Ctrl-C, to explore with the KUBECONFIG
#                           it prints
#   --steady-state SECONDS  after the round trip and a minute to settle, count the operator's writes
#                           over SECONDS (docs/benchmarks.md, "Steady state on the cluster in a box")
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
keep=false
steady_seconds=0
case "${1:-}" in
  --keep) keep=true ;;
  --steady-state) steady_seconds=${2:?--steady-state needs a number of seconds} ;;
esac

bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
step() { echo; echo "${bold}== $*${plain}"; }
show() { echo "${bold}\$ $*${plain}"; "$@"; }

# --- what a fresh machine lacks ---------------------------------------------------------------------
missing=()
for tool in redis-server openssl curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "Install ${missing[*]} (apt-get install -y ${missing[*]}), then rerun." >&2; exit 1; fi
  step "Installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in java go; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required (Java 17, Go)." >&2; exit 1; }
done

classpath_file=e2e/target/runtime-classpath.txt
auth_jar=$(ls auth-service/target/auth-service-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ ! -f "$classpath_file" ] || [ -z "$auth_jar" ] || \
   [ -n "$(find pom.xml ./*/pom.xml operator/src/main auth-service/src/main e2e/src/main -newer "$classpath_file" -print -quit)" ]; then
  step "Building the operator, the auth service and the pod runner (./mvnw -q -DskipTests package)"
  ./mvnw -q -B -DskipTests package
  auth_jar=$(ls auth-service/target/auth-service-*.jar | grep -v original | head -1)
fi
step "Kubernetes binaries (built from Go modules once, then cached in ~/.cache/gatehouse)"
bin=$(hack/kube-binaries.sh --cluster)
export PATH="$bin:$PATH"   # kubectl below is the cached one
classpath="$repo/e2e/target/classes:$(cat "$classpath_file")"

# --- processes, and their cleanup -----------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-demo.XXXXXX")
pids=()
cleanup() {
  trap - EXIT INT TERM
  step "Cleaning up"
  local i
  # Reverse order: the pod runner stops its processes, then the operator, then the cluster.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  rm -rf "$work"
  echo "stopped everything; removed $work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for_file() {  # FILE PID TIMEOUT WHAT
  local deadline=$(( $(date +%s) + $3 ))
  until [ -s "$1" ] && grep -q . "$1"; do
    kill -0 "$2" 2>/dev/null || { echo "$4 exited; see its log in $work" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $4" >&2; exit 1; }
    sleep 0.5
  done
}

step "Starting the cluster in a box (hack/cluster-in-a-box.sh)"
started=$(date +%s)
hack/cluster-in-a-box.sh "$work/cluster" >"$work/cluster.out" 2>"$work/cluster.log" &
pids+=("$!")
wait_for_file "$work/cluster/ready" "${pids[-1]}" 300 "the cluster"
export KUBECONFIG="$work/cluster/kubeconfig"
echo "cluster ready in $(( $(date +%s) - started )) s; KUBECONFIG=$KUBECONFIG"
show kubectl get nodes -o wide

step "Installing the CRD"
show kubectl apply --server-side -f crds/
kubectl wait --for=condition=Established crd/authservices.gatehouse.dev --timeout=60s >/dev/null

step "Starting the operator and the pod runner"
# Health port 0: any free port, so an operator of yours on 8081 does not clash.
GATEHOUSE_HEALTH_PORT=0 java -cp "$classpath" dev.gatehouse.operator.GatehouseOperator >"$work/operator.log" 2>&1 &
pids+=("$!")
echo "operator: pid ${pids[-1]}, log $work/operator.log"
java -cp "$classpath" dev.gatehouse.e2e.PodRunner "$repo/$auth_jar" "$work/pods" >"$work/pod-runner.log" 2>&1 &
pids+=("$!")
until grep -q "pod runner ready" "$work/pod-runner.log"; do
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/pod-runner.log" >&2; exit 1; }
  sleep 0.5
done
echo "pod runner: pid ${pids[-1]}, log $work/pod-runner.log; pod processes log to $work/pods/logs"

step "Registering an OAuth client (a Secret with clients.yaml; the secret is stored bcrypt-hashed)"
client_secret=$(openssl rand -hex 24)
GATEHOUSE_CLIENT_SECRET="$client_secret" java -cp "$classpath" dev.gatehouse.e2e.ClientsFile demo >"$work/clients.yaml"
show kubectl create secret generic auth-clients --from-file=clients.yaml="$work/clients.yaml"

step "Applying examples/minimal.yaml, with the clients Secret"
applied=$(date +%s)
# One apply of the example plus spec.clientsSecretRef (patched locally, the file stays as it is).
echo "${bold}\$ kubectl patch --local -f examples/minimal.yaml --type merge -p '{\"spec\":{\"clientsSecretRef\":{\"name\":\"auth-clients\"}}}' -o yaml | kubectl apply -f -${plain}"
kubectl patch --local -f examples/minimal.yaml --type merge -p '{"spec":{"clientsSecretRef":{"name":"auth-clients"}}}' -o yaml \
  | kubectl apply -f -
show kubectl wait --for=condition=Ready authservice/auth --timeout=300s
echo "Ready $(( $(date +%s) - applied )) s after kubectl apply"
# The pool-health observer polls each ready pod's /health/redis; give it one interval (30 s default).
kubectl wait --for=condition=RedisPoolHealthy=True authservice/auth --timeout=60s >/dev/null 2>&1 || \
  echo "(RedisPoolHealthy is not True yet; the status below says why)"
show kubectl get authservices -o wide
show kubectl get deployments,statefulsets,replicasets,pods,services,secrets,persistentvolumeclaims -o wide
show kubectl get authservice auth -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}){"\n"}{end}'

step "Token round trip against the real auth processes (pod IPs are loopback addresses)"
pods=($(kubectl get pods -l app.kubernetes.io/component=auth-service,app.kubernetes.io/instance=auth \
  --field-selector=status.phase=Running -o jsonpath='{range .items[*]}{.status.podIP}{" "}{end}'))
issuer=${pods[0]}; verifier=${pods[1]:-${pods[0]}}
show curl -s "http://$issuer:8080/health/redis" -o "$work/health.json" -w "GET /health/redis at $issuer: %{http_code}\n"
head -c 300 "$work/health.json"; echo " ..."
echo "${bold}\$ curl -u demo:*** -d grant_type=client_credentials http://$issuer:8080/oauth2/token${plain}"
token_response=$(curl -s -u "demo:$client_secret" -d grant_type=client_credentials "http://$issuer:8080/oauth2/token")
token=$(echo "$token_response" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token: $token_response" >&2; exit 1; }
echo "issued at $issuer: ${token:0:24}... ($(echo "$token_response" | sed -n 's/.*"expires_in":\([0-9]*\).*/\1/p') s)"
verify() {
  curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $token" "http://$verifier:8080/forward-auth"
}
before=$(verify)
echo "verify at $verifier (GET /forward-auth): $before"
curl -s -o /dev/null -u "demo:$client_secret" -d "token=$token" "http://$issuer:8080/oauth2/revoke" -w "revoke at $issuer (POST /oauth2/revoke): %{http_code}\n"
after=$(verify)
echo "verify at $verifier after the revocation: $after"
if [ "$before" = 200 ] && [ "$after" = 401 ]; then
  echo "${bold}round trip OK: issued, verified on another pod, revoked everywhere (one shared Redis)${plain}"
else
  echo "round trip FAILED (expected 200 then 401)" >&2
  exit 1
fi

if [ "$steady_seconds" -gt 0 ]; then
  step "Steady state: the operator's writes over $steady_seconds s, after a minute to settle"
  # A pod that started before Redis reports its reconnects until its next check: let that pass.
  sleep 60
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  kubectl get authservice auth --watch-only --output-watch-events -o name >"$work/watch.txt" &
  watcher=$!
  sleep "$steady_seconds"
  kill "$watcher" 2>/dev/null || true
  status_writes=$(grep -c . "$work/watch.txt" || true)
  # Every write of the operator (field manager "authservice") stamps its managedFields entry.
  child_writes=$(kubectl get deployments,statefulsets,services,secrets,configmaps,networkpolicies,poddisruptionbudgets \
      -o jsonpath='{range .items[*]}{range .metadata.managedFields[?(@.manager=="authservice")]}{.time}{"\n"}{end}{end}' \
    | awk -v since="$since" '$1 >= since' | grep -c . || true)
  polls=$(( steady_seconds / 30 ))
  echo "since $since, over $steady_seconds s (~$polls pool-health polls of each auth pod):"
  echo "  changes to the AuthService (status writes): $status_writes"
  echo "  child objects the operator wrote:           $child_writes"
  show kubectl get authservice auth -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}){"\n"}{end}'
fi

if $keep; then
  step "Running until Ctrl-C. In another terminal: export KUBECONFIG=$KUBECONFIG PATH=$bin:\$PATH"
  while true; do sleep 3600; done
fi
