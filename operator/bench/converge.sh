#!/usr/bin/env bash
# Operator convergence benchmark: a real etcd + kube-apiserver (the cached test binaries), the CRD,
# the operator as its own JVM, then COUNT AuthServices (examples/minimal.yaml under other names) in
# one namespace. Per run it prints the time from the first create until every AuthService has
# status.observedGeneration 1 and its 10 children, the operator's peak RSS (VmHWM), its writes per
# AuthService from the audit log, and its writes in the 60 s after it went quiet. The median of the
# runs is what docs/benchmarks.md quotes. About 9 minutes for 3 runs on 2 cores: each run waits
# 60 s for the steady state.
#
#   operator/bench/converge.sh                  # 200 AuthServices, 3 runs
#   COUNT=50 RUNS=1 operator/bench/converge.sh  # a quick look
#
# Results: operator/target/bench/results.md; the operator's logs: operator/target/bench/operator-run-N.log.
# JVM_OPTIONS (default: the chart's 512 Mi limit and MaxRAMPercentage=75, serial GC) is passed to
# the operator's JVM.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/operator/target/bench"
mkdir -p "$out"

# The operator's runtime classpath: what its image holds, no test dependencies or test logback.
./mvnw -q -f operator/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.7.0:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/runtime.classpath"

# OperatorConvergenceBenchmark matches no include pattern: it runs only when named here.
./mvnw -f operator/pom.xml verify \
  -Dit.test=OperatorConvergenceBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgatehouse.bench.count="${COUNT:-200}" -Dgatehouse.bench.runs="${RUNS:-3}" \
  -Dgatehouse.bench.output="$out" \
  -Dgatehouse.bench.classpath="$root/operator/target/classes:$(cat "$out/runtime.classpath")" \
  ${JVM_OPTIONS:+"-Dgatehouse.bench.jvmOptions=$JVM_OPTIONS"}

cat "$out/results.md"
