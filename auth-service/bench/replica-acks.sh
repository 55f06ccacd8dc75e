#!/usr/bin/env bash
# What acknowledging a revocation only once a replica holds it costs (issue 10; docs/benchmarks.md),
# one command:  auth-service/bench/replica-acks.sh
# One redis-server primary with one replica (replicaof, on loopback) and two services on it, as
# bench/run.sh starts them: A with gatehouse.redis.replica-acks=0 (the baseline: a SET, answered),
# B with 1 (the same SET, then WAIT 1 on that connection). Closed loop (wrk), rounds alternating A
# and B: POST /oauth2/revoke over TOKENS distinct tokens, each revoke a SET of the token's jti.
# Every round is reported. Knobs: ROUNDS (3), DURATION (20), CONNECTIONS ("2 64"; wrk runs 2 threads,
# so 2 is its least), TOKENS (10000),
# WARMUP (30), POOL (32).
source "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-2 64}"

bench_require wrk redis-cli
bench_start
PORT_A="$PORT"
PORT_B="$(gatehouse_free_port)"
REPLICA_PORT="$(gatehouse_free_port)"
PASSWORD="$(cat "$GATEHOUSE_WORK/redis-password")"
mkdir -p "$GATEHOUSE_WORK/replica"
redis-server --port "$REPLICA_PORT" --bind 127.0.0.1 --requirepass "$PASSWORD" --masterauth "$PASSWORD" \
  --replicaof 127.0.0.1 "$GATEHOUSE_REDIS_LOCAL_PORT" --save "" --appendonly no --dir "$GATEHOUSE_WORK/replica" \
  --logfile "$GATEHOUSE_WORK/replica/redis.log" --daemonize yes --pidfile "$GATEHOUSE_WORK/replica/redis.pid"
replica_cleanup() { kill "$(cat "$GATEHOUSE_WORK/replica/redis.pid")" 2>/dev/null || true; bench_cleanup; }
trap replica_cleanup EXIT
for _ in $(seq 100); do
  REDISCLI_AUTH="$PASSWORD" redis-cli -p "$REPLICA_PORT" INFO replication | grep -q 'master_link_status:up' && break
  sleep 0.2
done
REDISCLI_AUTH="$PASSWORD" redis-cli -p "$REPLICA_PORT" INFO replication | grep -q 'master_link_status:up'
bench_service "$PORT_B" "$OUT/server-b.log" --gatehouse.redis.replica-acks=1
bench_mint "$TOKENS" "$OUT/tokens.txt"

as_service() { BASE="http://127.0.0.1:$1"; }
echo "warm-up (JIT), ${WARMUP}s per service" >&2
for port in "$PORT_A" "$PORT_B"; do
  as_service "$port"
  bench_wrk revoke 64 "$WARMUP" "$OUT/tokens.txt" > /dev/null
done

{
  echo "# redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') primary + 1 replica on loopback; closed loop: wrk -t2 --timeout 5s, ${DURATION}s per row"
  printf '%-5s %-14s %5s %7s %7s %7s %8s %8s %6s %7s %8s\n' round replica_acks conns req/s p50_ms p99_ms p99.9_ms max_ms non2xx sockerr timeouts
} | tee "$OUT/replica-acks.txt"
for round in $(seq "$ROUNDS"); do
  for conns in $CONNECTIONS; do
    for acks in 0 1; do
      if [[ "$acks" == 0 ]]; then as_service "$PORT_A"; else as_service "$PORT_B"; fi
      line="$(bench_wrk revoke "$conns" "$DURATION" "$OUT/tokens.txt" --timeout 5s \
        | tee "$OUT/wrk-$round-$acks-$conns.txt" | grep '^RESULT')"
      eval "$(echo "$line" | sed 's/^RESULT //')"
      printf '%-5s %-14s %5s %7s %7s %7s %8s %8s %6s %7s %8s\n' "$round" "$acks" "$conns" "$rps" "$p50_ms" "$p99_ms" \
        "$p999_ms" "$max_ms" "$non2xx" "$((connect + read + write))" "$timeout" | tee -a "$OUT/replica-acks.txt"
      sleep 2
    done
  done
done
echo "# load average during the run: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)" | tee -a "$OUT/replica-acks.txt"
echo "results in $OUT"
