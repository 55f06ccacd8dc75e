#!/usr/bin/env bash
# What Redis persistence costs the endpoints that write (issue 9), one command:
#   auth-service/bench/persistence.sh
# One redis-server (its dir under the run's temp directory, on the machine's disk) and one service,
# as bench/run.sh starts them; then, closed loop (wrk), rounds of every persistence mode in turn
# (none, everysec, always, none, ...; local-env.sh's REDIS_PERSISTENCE settings, switched on the
# running server with CONFIG SET), each mode measuring every endpoint for DURATION seconds:
#   issue   POST /oauth2/token, client_credentials (a PING to Redis, no write: the control)
#   revoke  POST /oauth2/revoke over TOKENS distinct tokens, each revoke a SET of the token's jti
# Every round is reported, with the service's and redis-server's CPU, the SETs Redis executed, the
# AOF's growth, the forks (RDB snapshots, AOF rewrites) and everysec's delayed fsyncs.
# Knobs: MODES ("none everysec always"), ROUNDS (3), DURATION (20), CONNECTIONS (256; a list gives
# every round each count), ENDPOINTS ("issue revoke"), TOKENS (10000), WARMUP (30), POOL (32).
source "$(dirname "$0")/lib.sh"

MODES="${MODES:-none everysec always}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-256}"
ENDPOINTS="${ENDPOINTS:-issue revoke}"
for mode in $MODES; do gatehouse_redis_persistence_settings "$mode" > /dev/null; done

bench_require wrk redis-cli
bench_start
REDIS_PID="$(cat "$GATEHOUSE_WORK/redis/redis.pid")"
bench_mint "$TOKENS" "$OUT/tokens.txt"

# Warm-up of the measured paths; the revoke warm-up goes through the whole mix, so every token is
# in the verified-token cache and every jti key exists before the first measured round.
echo "warm-up (JIT), ${WARMUP}s per endpoint, then each connection count once" >&2
for endpoint in noop $ENDPOINTS; do bench_wrk "$endpoint" 200 "$WARMUP" "$OUT/tokens.txt" > /dev/null; done
for conns in $CONNECTIONS; do bench_wrk noop "$conns" 5 "$OUT/tokens.txt" > /dev/null; done

info() { gatehouse_redis_cli INFO "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'; }
set_calls() { gatehouse_redis_cli INFO commandstats | tr -d '\r' | sed -n 's/^cmdstat_set:calls=\([0-9]*\),.*/\1/p' | grep . || echo 0; }

{
  echo "# redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), dir $GATEHOUSE_WORK/redis on: $(df -hT "$GATEHOUSE_WORK/redis" | tail -1 | awk '{ print $1, $2, $3 " size" }')"
  echo "# closed loop: wrk -t2 --timeout 5s, ${DURATION}s per row; cores = CPU seconds / wall seconds"
  printf '%-5s %-8s %-6s %5s %7s %7s %7s %8s %8s %6s %7s %8s %6s %6s %8s %6s %5s %7s\n' round mode endpoint conns \
    req/s p50_ms p99_ms p99.9_ms max_ms non2xx sockerr timeouts srv_c redis_c sets aof_MB forks dfsync
} | tee "$OUT/persistence.txt"
for round in $(seq "$ROUNDS"); do
  for mode in $MODES; do
    gatehouse_redis_persistence "$mode"
    sleep 2
    for conns in $CONNECTIONS; do
      for endpoint in $ENDPOINTS; do
        before=("$(cpu_seconds)" "$(cpu_seconds "$REDIS_PID")" "$(set_calls)" "$(info persistence aof_current_size)"
          "$(info stats total_forks)" "$(info persistence aof_delayed_fsync)")
        line="$(bench_wrk "$endpoint" "$conns" "$DURATION" "$OUT/tokens.txt" --timeout 5s \
          | tee "$OUT/wrk-$round-$mode-$endpoint-$conns.txt" | grep '^RESULT')"
        after=("$(cpu_seconds)" "$(cpu_seconds "$REDIS_PID")" "$(set_calls)" "$(info persistence aof_current_size)"
          "$(info stats total_forks)" "$(info persistence aof_delayed_fsync)")
        eval "$(echo "$line" | sed 's/^RESULT //')"
        printf '%-5s %-8s %-6s %5s %7s %7s %7s %8s %8s %6s %7s %8s %6.2f %6.2f %8s %6.1f %5s %7s\n' "$round" "$mode" "$endpoint" \
          "$conns" "$rps" "$p50_ms" "$p99_ms" "$p999_ms" "$max_ms" "$non2xx" "$((connect + read + write))" "$timeout" \
          "$(echo "(${after[0]} - ${before[0]}) / $seconds" | bc -l)" "$(echo "(${after[1]} - ${before[1]}) / $seconds" | bc -l)" \
          "$((after[2] - before[2]))" "$(echo "(${after[3]} - ${before[3]}) / 1048576" | bc -l)" \
          "$((after[4] - before[4]))" "$((after[5] - before[5]))" | tee -a "$OUT/persistence.txt"
        sleep 2
      done
    done
  done
done
gatehouse_redis_cli INFO persistence | tr -d '\r' > "$OUT/redis-persistence-info.txt"
curl -fs "$BASE/health/redis" > "$OUT/health-redis.json" || true
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)" | tee -a "$OUT/persistence.txt"
echo "results in $OUT"
