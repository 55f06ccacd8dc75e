#!/usr/bin/env bash
# Operator convergence benchmark: a real etcd + kube-apiserver (the cached test binaries), the CRD,
# the operator as its own JVM, then COUNT AuthServices (examples/minimal.yaml under other names) in
# one namespace, created by CLIENTS clients in parallel. Per run it prints the time from the first
# create until every AuthService has status.observedGeneration 1 and its 10 children, the
# operator's RSS when ready and its peak RSS (VmHWM), its writes per AuthService from the audit
# log, its writes in the 60 s after it went quiet, and the load averages. The medians are what
# docs/benchmarks.md quotes. Each run waits 60 s for the steady state.
#
#   operator/bench/converge.sh                             # 200 AuthServices, 3 runs
#   COUNT=50 RUNS=1 operator/bench/converge.sh             # a quick look
#   COUNT=1000 BASELINE=/path/to/other/checkout operator/bench/converge.sh
#       # each of 3 rounds runs the other checkout's operator too (built there with
#       # `./mvnw -pl operator compile`), order alternating by round
#
# Results: operator/target/bench/results.md; the operator's logs: operator/target/bench/operator-run-N.log.
# Each build's operator runs as that checkout's chart runs it: the chart is rendered with its
# defaults, and the operator container's environment (JAVA_TOOL_OPTIONS...) and memory limit are
# what the JVM gets. JVM_OPTIONS (BASELINE_JVM_OPTIONS for the baseline) adds flags for an
# experiment; they win over the chart's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/operator/target/bench"
mkdir -p "$out"

# The operator's runtime classpath: what its image holds, no test dependencies or test logback.
classpath() {
  ./mvnw -q -f "$1/operator/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.7.0:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$2"
  echo "$1/operator/target/classes:$(cat "$2")"
}
helm="$(hack/helm-binary.sh)"
# The version of the API server the benchmark runs (the chart checks kubeVersion).
kube_version="$(sed -n 's|.*<kube.version>\(.*\)</kube.version>.*|\1|p' operator/pom.xml)"
# The operator Deployment of the chart in checkout $1, with its default values.
chart_deployment() {
  "$helm" template bench "$1/helm/gatehouse-operator" --kube-version "$kube_version" \
    --show-only templates/deployment.yaml > "$2"
  echo "$2"
}
baseline=()
if [[ -n "${BASELINE:-}" ]]; then
  baseline=("-Dgatehouse.bench.baselineClasspath=$(classpath "$BASELINE" "$out/baseline.classpath")"
    "-Dgatehouse.bench.baselineChartDeployment=$(chart_deployment "$BASELINE" "$out/baseline-deployment.yaml")")
  if [[ -n "${BASELINE_JVM_OPTIONS:-}" ]]; then
    baseline+=("-Dgatehouse.bench.baselineJvmOptions=$BASELINE_JVM_OPTIONS")
  fi
fi

# OperatorConvergenceBenchmark matches no include pattern: it runs only when named here.
./mvnw -pl operator -am verify -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dit.test=OperatorConvergenceBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgatehouse.bench.count="${COUNT:-200}" -Dgatehouse.bench.runs="${RUNS:-3}" \
  -Dgatehouse.bench.clients="${CLIENTS:-8}" \
  -Dgatehouse.bench.output="$out" \
  -Dgatehouse.bench.classpath="$(classpath "$root" "$out/runtime.classpath")" \
  -Dgatehouse.bench.chartDeployment="$(chart_deployment "$root" "$out/deployment.yaml")" \
  ${JVM_OPTIONS:+"-Dgatehouse.bench.jvmOptions=$JVM_OPTIONS"} "${baseline[@]}"

cat "$out/results.md"
