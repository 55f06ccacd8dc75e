#!/usr/bin/env bash
# The auth service's load benchmark, one command: auth-service/bench/run.sh
# Starts redis-server and the service, mints a mix of distinct tokens, then
# measures on 127.0.0.1 only, in one run:
#   closed loop (wrk, N connections each waiting for its answer) at 1,000 and 2,000 connections:
#     GET /noop (the baseline), forward-auth, introspect, token issue;
#   open loop (vegeta, a constant offered rate that does not wait for answers): forward-auth, each
#     round with its p50/p99/p99.9/max, the service's peak and current RSS (VmHWM, VmRSS) and the
#     GC pauses of the round (count, p50, p99, max, from the service's GC log).
# FRESH_START=1 measures a new pod instead: after minting, the service is restarted fresh and
# timed from JVM start to readiness; the open-loop rounds follow at once, with no warm-up but what
# the service does itself before it reports ready, and no first-sight pass or closed loop (the
# mix is unseen by the new service, as clients' tokens are by a new pod). Its first round is what a
# rollout's new pod meets; the later rounds are its steady state.
# Redis persistence: REDIS_PERSISTENCE (none, local-env.sh); bench/persistence.sh compares the modes.
# Results (and a profile, with PROFILER) land in auth-service/bench/results/<time>/; summary on stdout.
# Knobs: DURATION (closed-loop seconds, 20), RATE (open-loop req/s, 10000), OPEN_SECONDS (60),
# OPEN_ROUNDS (open-loop rounds, each reported, 1), TOKENS (10000), CONNECTIONS ("1000 2000", or
# none for the open loop alone), POOL (max Redis connections, 32), WARMUP (JIT warm-up seconds per
# endpoint, 30), FRESH_START (0; 1: above), JVM (bench: -Xms1g -Xmx1g ParallelGC, as every earlier
# run; pod: the auth pod's own settings, read from AuthDeployment and the CRD's default memory limit,
# lib.sh pod_jvm), GATEHOUSE_JAR (another build's jar, e.g. a baseline; default: build the working
# tree), JAVA_EXTRA (more JVM options), PROFILER (none, the default; jfr: one JFR recording of the
# measured part, whose start stalls the first row and whose settings cost a fifth or more of every
# rate (docs/benchmarks.md, run G); or async: async-profiler, from Maven Central, on each row, with
# kernel, JIT and GC time; both slow the service, so the figures of a profiled run are for shares
# only, not for the record).
source "$(dirname "$0")/lib.sh"

RATE="${RATE:-10000}"
OPEN_SECONDS="${OPEN_SECONDS:-60}"
OPEN_ROUNDS="${OPEN_ROUNDS:-1}"
CONNECTIONS="${CONNECTIONS:-1000 2000}"
[[ "$CONNECTIONS" != none ]] || CONNECTIONS=""
PROFILER="${PROFILER:-none}"
FRESH_START="${FRESH_START:-0}"
[[ "$FRESH_START" != 1 ]] || CONNECTIONS=""
VEGETA="${VEGETA:-$(command -v vegeta || echo "$HOME/go/bin/vegeta")}"

bench_require wrk
[[ -x "$VEGETA" ]] || { echo "vegeta missing: go install github.com/tsenart/vegeta/v12@latest" >&2; exit 1; }
bench_start
bench_mint "$TOKENS" "$OUT/tokens.txt"

if [[ "$FRESH_START" == 1 ]]; then
  # The service that minted the tokens has served them: a new one starts, as a new pod would.
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  PORT="$(gatehouse_free_port)"
  BASE="http://127.0.0.1:$PORT"
  bench_service "$PORT" "$OUT/fresh.log"
  SERVER_PID="$LAUNCHED_PID"
  echo "# fresh start (JVM=$JVM): ${LAUNCHED_READY_MS} ms from the JVM's start to readiness UP; $(bench_memory)" \
    "$(grep -o 'Warm-up before readiness: .*' "$OUT/fresh.log" || echo '(no warm-up logged)')" | tee "$OUT/fresh.txt"
  GC_LOG="$OUT/fresh-gc.log"
else
  GC_LOG="$OUT/server-gc.log"
  # The JIT needs tens of seconds of each path before C2 has settled: with 5 s of warm-up the first
  # measured rows ran 30-50 % slower and C2 took a quarter of the CPU (async-profiler), which is not
  # the steady state of a pod that serves for days.
  echo "warm-up (JIT) of the code paths, ${WARMUP}s each, with tokens the mix does not contain" >&2
  for mode in noop issue; do
    bench_wrk "$mode" 200 "$WARMUP" "$OUT/tokens.txt" > /dev/null
  done
  bench_mint 2000 "$OUT/warmup-tokens.txt" > /dev/null
  for mode in forward introspect; do
    bench_wrk "$mode" 200 "$WARMUP" "$OUT/warmup-tokens.txt" > /dev/null
  done
  # Every token of the mix once: the rate of full signature checks. Afterwards the mix is in the
  # verified-token cache, as the tokens of clients that reuse them are.
  "$OUT/mint" -url "$BASE" -first-sight "$OUT/tokens.txt" -workers 64 | tee "$OUT/first-sight.txt"
fi

# Profile the measured part only, not start-up, minting or warm-up.
ASYNC_PROFILER_LIB="$OUT/libasyncProfiler.so"
if [[ "$PROFILER" == async ]]; then
  "$GATEHOUSE_REPO/mvnw" -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.2 -DoutputDirectory="$OUT"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("linux-x64/libasyncProfiler.so"))' \
    "$OUT/async-profiler-4.2.jar" "$ASYNC_PROFILER_LIB"
elif [[ "$PROFILER" == jfr ]]; then
  jcmd "$SERVER_PID" JFR.start name=bench settings=profile > /dev/null
fi
# jcmd passes the agent its options as one quoted argument.
async_profiler() { [[ "$PROFILER" != async ]] || jcmd "$SERVER_PID" JVMTI.agent_load "$ASYNC_PROFILER_LIB" "\"$1\"" > /dev/null; }
{
  echo "# closed loop: wrk -t2 --timeout 5s, ${DURATION}s per row; server_cores = server CPU seconds / wall seconds"
  printf '%-11s %6s %8s %8s %8s %8s %7s %7s %8s %12s\n' endpoint conns req/s p50_ms p95_ms p99_ms non2xx sockerr timeouts server_cores
} | tee "$OUT/closed.txt"
for conns in $CONNECTIONS; do
  # The first run at a new connection count pays for opening them (channels, buffer arenas):
  # an unrecorded round of that count first, so the baseline row is not the one that pays.
  bench_wrk noop "$conns" 5 "$OUT/tokens.txt" > /dev/null
  sleep 2
  for mode in noop forward introspect issue; do
    async_profiler "start,event=cpu,interval=1ms"
    before="$(cpu_seconds)"
    line="$(bench_wrk "$mode" "$conns" "$DURATION" "$OUT/tokens.txt" --timeout 5s \
      | tee "$OUT/wrk-$mode-$conns.txt" | grep '^RESULT')"
    after="$(cpu_seconds)"
    async_profiler "stop,collapsed,file=$OUT/cpu-$mode-$conns.collapsed"
    eval "$(echo "$line" | sed 's/^RESULT //')"
    printf '%-11s %6s %8s %8s %8s %8s %7s %7s %8s %12.2f\n' "$mode" "$conns" "$rps" "$p50_ms" "$p95_ms" "$p99_ms" \
      "$non2xx" "$((connect + read + write))" "$timeout" "$(echo "($after - $before) / $DURATION" | bc -l)" | tee -a "$OUT/closed.txt"
    sleep 2
  done
done

awk -v base="$BASE" '{ printf "GET %s/forward-auth/\nAuthorization: Bearer %s\n\n", base, $0 }' "$OUT/tokens.txt" > "$OUT/targets.txt"
for round in $(seq "$OPEN_ROUNDS"); do
  echo "# open loop, round $round of $OPEN_ROUNDS$([[ "$FRESH_START" != 1 ]] || echo " after a fresh start"): vegeta at ${RATE}/s for ${OPEN_SECONDS}s, forward-auth over the token mix" | tee -a "$OUT/open.txt"
  gc_from=$(( $(wc -l < "$GC_LOG") + 1 ))
  before="$(cpu_seconds)"
  "$VEGETA" attack -targets="$OUT/targets.txt" -rate="$RATE" -duration="${OPEN_SECONDS}s" -timeout=5s \
    -max-workers=4000 -keepalive=true > "$OUT/open-$round.bin"
  after="$(cpu_seconds)"
  "$VEGETA" report "$OUT/open-$round.bin" | tee -a "$OUT/open.txt"
  "$VEGETA" encode --to csv "$OUT/open-$round.bin" | python3 -c '
import csv, sys
lat = sorted(int(r[2]) for r in csv.reader(sys.stdin))
def p(q): return lat[min(len(lat) - 1, int(q * len(lat)))] / 1e6
print(f"percentiles_ms p50={p(0.50):.2f} p99={p(0.99):.2f} p99.9={p(0.999):.2f} max={lat[-1] / 1e6:.1f} (n={len(lat)})")
' | tee -a "$OUT/open.txt"
  echo "server_cores $(echo "($after - $before) / $OPEN_SECONDS" | bc -l | cut -c1-4) $(bench_memory)" | tee -a "$OUT/open.txt"
  bench_gc_pauses "$GC_LOG" "$gc_from" | tee -a "$OUT/open.txt"
  sleep 3
done

curl -fs "$BASE/health/redis" > "$OUT/health-redis.json" || true
echo "# load average during the run: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)" | tee -a "$OUT/closed.txt"
if [[ "$PROFILER" == async ]]; then
  python3 "$BENCH_DIR/cpu-owners.py" "$OUT"/cpu-*.collapsed | tee "$OUT/profile.txt"
elif [[ "$PROFILER" == jfr ]]; then
  jcmd "$SERVER_PID" JFR.stop name=bench filename="$OUT/server.jfr" > /dev/null
fi
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
[[ "$PROFILER" != jfr ]] || python3 "$BENCH_DIR/jfr-hot.py" "$OUT/server.jfr" | tee "$OUT/profile.txt"
echo "results in $OUT"
