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

# bench_service <port> <log file> [service arguments]: a service on the local Redis, with the JVM and
# pool settings every benchmark uses; sets LAUNCHED_PID once it is ready; bench_cleanup stops it.
bench_service() {
  local port="$1" logfile="$2"
  shift 2
  java -Xms1g -Xmx1g -XX:+UseParallelGC -XX:FlightRecorderOptions=stackdepth=256 \
    -jar "$GATEHOUSE_JAR" --server.port="$port" --gatehouse.benchmark.noop-route=true \
    --gatehouse.redis.pool.max-connections="$POOL" \
    --gatehouse.redis.pool.min-idle="$POOL" --logging.level.root=WARN "$@" > "$logfile" 2>&1 &
  LAUNCHED_PID=$!
  BENCH_PIDS+=("$LAUNCHED_PID")
  for _ in $(seq 120); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null
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
