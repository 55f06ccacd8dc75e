#!/usr/bin/env bash
# Two builds of the auth service measured in one session, alternating A B B A (PAIRS times), so that
# a drift of the machine falls on both: auth-service/bench/abba.sh <jar A> <jar B>
# Every run is run.sh with the knobs of the environment (FRESH_START, JVM, RATE, OPEN_ROUNDS, …),
# GATEHOUSE_JAR set to the run's jar. Prints each run's summary lines as it ends, and writes them,
# with the run's start time, load average and results directory, to results/abba-<time>.txt.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
[[ $# == 2 && -f "$1" && -f "$2" ]] || { echo "usage: $0 <jar A> <jar B> (both files)" >&2; exit 1; }
PAIRS="${PAIRS:-2}"
SUMMARY="$BENCH_DIR/results/abba-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$BENCH_DIR/results"

for pair in $(seq "$PAIRS"); do
  for build in A B B A; do
    jar="$1"; [[ "$build" == A ]] || jar="$2"
    {
      echo "## pair $pair, build $build ($jar), $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
      GATEHOUSE_JAR="$jar" "$BENCH_DIR/run.sh" 2>&1 \
        | grep -E '^(# fresh start|# open loop|percentiles_ms|server_cores|gc_pauses|endpoint|noop|forward|introspect|issue|first-sight|results in)'
    } | tee -a "$SUMMARY"
  done
done
echo "summary in $SUMMARY"
