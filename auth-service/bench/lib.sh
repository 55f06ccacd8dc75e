# Sourced first by run.sh, persistence.sh and replica-acks.sh: the start, steps and knobs they
# share, so their figures compare. Turns on strict mode and makes this directory, BENCH_DIR, the
# working directory; bench_start sets OUT (the results directory), PORT, BASE, BASIC and SERVER_PID.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$BENCH_DIR"
source "$BENCH_DIR/../local-env.sh"

DURATION="${DURATION:-20}"
TOKENS="${TOKENS:-10000}"
WARMUP="${WARMUP:-30}"
POOL="${POOL:-32}"

bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }
  done
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}

# Builds the jar from the working tree, starts redis-server (REDIS_PERSISTENCE, local-env.sh) and
# the service with its GET /noop baseline route (off unless asked for), waits until it is ready,
# and builds the mint tool into $OUT.
bench_start() {
  OUT="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$OUT"
  # Always the working tree as it is now: a stale jar would measure old code.
  GATEHOUSE_REBUILD=1 gatehouse_build_jar
  gatehouse_local_env
  PORT="$(gatehouse_free_port)"
  BASE="http://127.0.0.1:$PORT"
  BASIC="$(printf '%s:%s' "$GATEHOUSE_DEMO_CLIENT" "$GATEHOUSE_DEMO_SECRET" | base64 -w0)"
  trap bench_cleanup EXIT
  bench_service "$PORT" "$OUT/server.log"
  SERVER_PID="$LAUNCHED_PID"
  (cd "$BENCH_DIR/mint" && go build -o "$OUT/mint" .)
}

# The service's JVM settings, JVM: "bench" (-Xms1g -Xmx1g, ParallelGC: what every earlier run used)
# or "pod" (what an auth pod runs with: see pod_jvm).
JVM="${JVM:-bench}"

# The auth pod's JVM, read from where the operator sets it rather than copied: JAVA_TOOL_OPTIONS as
# AuthDeployment writes it, -XX:MaxRAM for the container's memory limit (the CRD's default,
# DefaultResources.AUTH), and the collector the JVM picks inside such a container, which it cannot
# see here: Serial below 1792 MiB of memory (or with one CPU), G1 above (HotSpot's server-class
# rule), unless the options name one. Sets POD_TOOL_OPTIONS and POD_JVM_OPTIONS. POD_TOOL_OPTIONS
# given: a candidate for AuthDeployment's JAVA_TOOL_OPTIONS, measured before it is written there.
pod_jvm() {
  local operator="$GATEHOUSE_REPO/operator/src/main/java/dev/gatehouse/operator" limit
  POD_TOOL_OPTIONS="${POD_TOOL_OPTIONS:-$(sed -n 's/.*env("JAVA_TOOL_OPTIONS", "\([^"]*\)").*/\1/p' "$operator/dependent/AuthDeployment.java")}"
  limit="$(sed -n '/String AUTH =/,/;/p' "$operator/api/v1alpha1/DefaultResources.java" | tr -d '\n "+\\' \
    | sed -n 's/.*limits:{[^}]*memory:\([0-9]*\)Mi.*/\1/p')"
  [[ -n "$POD_TOOL_OPTIONS" && -n "$limit" ]] \
    || { echo "cannot read the auth pod's JVM settings from AuthDeployment and DefaultResources" >&2; return 1; }
  POD_JVM_OPTIONS="-XX:MaxRAM=${limit}m"
  if [[ "$POD_TOOL_OPTIONS" == *-XX:+Use*GC* ]]; then
    :
  elif (( limit < 1792 || $(nproc) < 2 )); then
    POD_JVM_OPTIONS+=" -XX:+UseSerialGC"
  else
    POD_JVM_OPTIONS+=" -XX:+UseG1GC"
  fi
}

# bench_service <port> <log file> [service arguments]: a service on the local Redis, with the JVM
# (JVM) and pool settings every benchmark uses and a GC log beside its log (<log>-gc.log); sets
# LAUNCHED_PID and LAUNCHED_READY_MS (from the start of the JVM to readiness UP) once it is ready;
# bench_cleanup stops it. JAVA_EXTRA: more JVM options (e.g. -Xlog:class+load for an experiment).
bench_service() {
  local port="$1" logfile="$2" tool_options="${JAVA_TOOL_OPTIONS:-}" jvm started
  shift 2
  case "$JVM" in
    bench) jvm="-Xms1g -Xmx1g -XX:+UseParallelGC" ;;
    pod) pod_jvm; jvm="$POD_JVM_OPTIONS"; tool_options="$POD_TOOL_OPTIONS" ;;
    *) echo "JVM: bench or pod, not $JVM" >&2; return 1 ;;
  esac
  started="$(date +%s%N)"
  # shellcheck disable=SC2086 # jvm and JAVA_EXTRA are lists of options
  JAVA_TOOL_OPTIONS="$tool_options" java $jvm -XX:FlightRecorderOptions=stackdepth=256 \
    -Xlog:gc:file="${logfile%.log}-gc.log":uptime,time ${JAVA_EXTRA:-} -jar "$GATEHOUSE_JAR" --server.port="$port" --gatehouse.benchmark.noop-route=true \
    --gatehouse.redis.pool.max-connections="$POOL" \
    --gatehouse.redis.pool.min-idle="$POOL" --logging.level.root=WARN \
    --logging.level.dev.gatehouse.auth.web.StartupWarmUp=INFO "$@" > "$logfile" 2>&1 &
  LAUNCHED_PID=$!
  BENCH_PIDS+=("$LAUNCHED_PID")
  # Polled often: the start-to-ready time is a result of its own (FRESH_START in run.sh).
  for _ in $(seq 2400); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    kill -0 "$LAUNCHED_PID" 2>/dev/null || break
    sleep 0.05
  done
  curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null
  LAUNCHED_READY_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}

# bench_memory [pid]: the service's peak resident memory since its start and its resident memory now.
bench_memory() {
  awk '/^VmHWM/ { hwm = $2 } /^VmRSS/ { rss = $2 } END { printf "rss_peak_mib=%.0f rss_now_mib=%.0f\n", hwm / 1024, rss / 1024 }' \
    "/proc/${1:-$SERVER_PID}/status"
}

# bench_gc_pauses <gc log> [first line]: count, p50, p99 and max of the pauses logged from that line on.
bench_gc_pauses() {
  tail -n "+${2:-1}" "$1" | python3 -c '
import re, sys
ms = sorted(float(m.group(1)) for m in (re.search(r"GC\(\d+\) Pause .* ([0-9.]+)ms$", l) for l in sys.stdin) if m)
def p(q): return ms[min(len(ms) - 1, int(q * len(ms)))] if ms else 0
print(f"gc_pauses n={len(ms)} p50={p(0.5):.1f}ms p99={p(0.99):.1f}ms max={(ms[-1] if ms else 0):.1f}ms total={sum(ms):.0f}ms")'
}

BENCH_PIDS=()
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  gatehouse_local_cleanup
}

# bench_mint <count> <file>: distinct client_credentials tokens, one a line.
bench_mint() {
  "$OUT/mint" -url "$BASE" -client "$GATEHOUSE_DEMO_CLIENT" -secret "$GATEHOUSE_DEMO_SECRET" -n "$1" -out "$2"
}

# CPU seconds (user + system) of process $1, the service by default.
cpu_seconds() { awk '{ print ($14 + $15) / 100 }' "/proc/${1:-$SERVER_PID}/stat"; }

# bench_wrk <mode> <connections> <seconds> <tokens file> [wrk options]: one closed-loop row of
# wrk.lua's mode; prints wrk's output, whose RESULT line holds the figures.
bench_wrk() {
  local mode="$1" conns="$2" seconds="$3" tokens="$4"
  shift 4
  wrk -t2 -c"$conns" -d"${seconds}s" "$@" -s "$BENCH_DIR/wrk.lua" "$BASE" -- "$mode" "$tokens" "$BASIC"
}
