#!/usr/bin/env bash
# Does a SIGKILLed redis-server lose acknowledged writes? (issue 9), one command:
#   auth-service/bench/aof-kill.sh
# For each trial: a redis-server with REDIS_PERSISTENCE's settings (everysec; local-env.sh), its dir
# under a temp directory on the machine's disk; a client pipelines SET gh:kill:<i> in batches of
# BATCH and counts the replies it has read. Two ways to kill, each trial:
#   after-reply  the client itself sends SIGKILL the moment it has read the reply to write KEYS
#   mid-stream   the script sends SIGKILL while the client is still writing, after a random pause
# Then redis-server restarts on the same dir and loads the AOF; every acknowledged key must be there.
# REDIS_PERSISTENCE=none is the control: it must lose them. Knobs: TRIALS (5), KEYS (200000), BATCH (100),
# DISK_STRESS (0; 1: another process writes and fdatasyncs 256 MiB at a time on the same disk
# throughout, so Redis's background fsync is slow, as on a busy volume).
set -euo pipefail
cd "$(dirname "$0")"
source ../local-env.sh
MODE="${REDIS_PERSISTENCE:-everysec}"
TRIALS="${TRIALS:-5}"
KEYS="${KEYS:-200000}"
BATCH="${BATCH:-100}"
DISK_STRESS="${DISK_STRESS:-0}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-aof-kill.XXXXXX")"
STRESS_PID=""
trap 'kill -9 "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null; rm -f "$WORK/stress-on"; [[ -z "$STRESS_PID" ]] || wait "$STRESS_PID"; rm -rf "$WORK"' EXIT
PORT="$(gatehouse_free_port)"
settings=()
while read -r setting; do
  value="${setting#* }"; [[ "$value" != '""' ]] || value=""
  settings+=("--${setting%% *}" "$value")
done < <(gatehouse_redis_persistence_settings "$MODE")

start_redis() {
  redis-server --port "$PORT" --bind 127.0.0.1 "${settings[@]}" --dir "$WORK/data" \
    --logfile "$WORK/redis.log" --daemonize yes --pidfile "$WORK/redis.pid"
  for _ in $(seq 100); do
    [[ "$(redis-cli -p "$PORT" ping 2>/dev/null)" == PONG ]] \
      && [[ "$(redis-cli -p "$PORT" INFO persistence | tr -d '\r' | sed -n 's/^loading://p')" == 0 ]] && return 0
    sleep 0.1
  done
  echo "redis-server did not start" >&2; return 1
}

# writer.py <port> <keys or 0 for until killed> <batch> <pid to SIGKILL after the last reply, or 0>
# prints the number of writes whose reply it read.
cat > "$WORK/writer.py" <<'PY'
import os, signal, socket, sys
port, keys, batch, victim = (int(a) for a in sys.argv[1:])
s = socket.create_connection(("127.0.0.1", port))
acked, buf = 0, b""
try:
    while keys == 0 or acked < keys:
        n = batch if keys == 0 else min(batch, keys - acked)
        s.sendall(b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\n1\r\n" % (len(k), k)
                           for k in (b"gh:kill:%d" % i for i in range(acked, acked + n))))
        got = 0
        while got < n:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError
            buf += chunk
            while b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                if line != b"+OK":
                    raise SystemExit("unexpected reply %r" % line)
                got += 1
                acked += 1
    if victim:
        os.kill(victim, signal.SIGKILL)
except (ConnectionError, OSError):
    pass
print(acked)
PY

if [[ "$DISK_STRESS" == 1 ]]; then
  touch "$WORK/stress-on"
  (while [[ -e "$WORK/stress-on" ]]; do dd if=/dev/zero of="$WORK/stress" bs=1M count=256 conv=fdatasync status=none; done) &
  STRESS_PID=$!
fi
echo "# DISK_STRESS=$DISK_STRESS; redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), REDIS_PERSISTENCE=$MODE, dir on: $(df -hT "$WORK" | tail -1 | awk '{ print $1, $2 }')"
printf '%-6s %-12s %10s %10s %8s %14s\n' trial kill acked recovered lost delayed_fsyncs
lost_total=0
for trial in $(seq "$TRIALS"); do
  for how in after-reply mid-stream; do
    rm -rf "$WORK/data"; mkdir -p "$WORK/data"
    start_redis
    pid="$(cat "$WORK/redis.pid")"
    # everysec postpones the AOF write(2), replies going out meanwhile, while a background fsync is
    # still running (up to 2 s; then it writes anyway and counts a delayed fsync): watch the count.
    (while kill -0 "$pid" 2>/dev/null; do
      redis-cli -p "$PORT" INFO persistence 2>/dev/null | tr -d '\r' | sed -n 's/^aof_delayed_fsync://p' | grep . > "$WORK/delayed.tmp" \
        && mv "$WORK/delayed.tmp" "$WORK/delayed"; sleep 0.2; done) &
    echo 0 > "$WORK/delayed"
    if [[ "$how" == after-reply ]]; then
      acked="$(python3 "$WORK/writer.py" "$PORT" "$KEYS" "$BATCH" "$pid")"
    else
      python3 "$WORK/writer.py" "$PORT" 0 "$BATCH" 0 > "$WORK/acked" &
      writer=$!
      sleep "$(python3 -c 'import random; print(round(random.uniform(1, 3), 2))')"
      kill -9 "$pid"
      wait "$writer"
      acked="$(cat "$WORK/acked")"
    fi
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    start_redis
    recovered="$(redis-cli -p "$PORT" DBSIZE)"
    # Keys are written in order: every acknowledged one is there iff the last one is and none is missing.
    [[ "$acked" == 0 || "$(redis-cli -p "$PORT" EXISTS "gh:kill:$((acked - 1))")" == 1 ]] || recovered="$recovered (last acked key missing)"
    lost=$(( acked > ${recovered%% *} ? acked - ${recovered%% *} : 0 ))
    lost_total=$((lost_total + lost))
    printf '%-6s %-12s %10s %10s %8s %14s\n' "$trial" "$how" "$acked" "$recovered" "$lost" "$(cat "$WORK/delayed")"
    redis-cli -p "$PORT" SHUTDOWN NOSAVE > /dev/null 2>&1 || true
    while kill -0 "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null; do sleep 0.05; done
  done
done
echo "acknowledged writes lost in all trials: $lost_total"
