# Sourced by run-local.sh and bench/run.sh: one local set-up of what the operator provides a pod.
# Creates, under $GATEHOUSE_WORK, the mounted files of docs/auth-service-contract.md (an ES256
# signing key, a clients file, an admin token, a Redis password), starts redis-server on a free
# loopback port with that password, and exports the GATEHOUSE_* variables the operator would set.
# The demo client is `demo` / `demo-secret` (its bcrypt hash is below); nothing here is a real secret.

GATEHOUSE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# GATEHOUSE_JAR may name another build (e.g. a baseline commit's jar); it is then used as it is.
GATEHOUSE_JAR_GIVEN="${GATEHOUSE_JAR:-}"
GATEHOUSE_JAR="${GATEHOUSE_JAR:-$GATEHOUSE_REPO/auth-service/target/auth-service-0.1.0-SNAPSHOT.jar}"
GATEHOUSE_DEMO_CLIENT=demo
GATEHOUSE_DEMO_SECRET=demo-secret

gatehouse_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

gatehouse_build_jar() {
  if [[ -z "$GATEHOUSE_JAR_GIVEN" && ( ! -f "$GATEHOUSE_JAR" || -n "${GATEHOUSE_REBUILD:-}" ) ]]; then
    (cd "$GATEHOUSE_REPO" && ./mvnw -q -pl auth-service -am -DskipTests package)
  fi
}

# Redis persistence, REDIS_PERSISTENCE (none by default): one "name value" line per setting, given to
# redis-server at start and by gatehouse_redis_persistence to a running one.
#   none      no RDB snapshots, no AOF (the local default, and what the managed Redis ran before issue 9)
#   everysec  AOF with appendfsync everysec and an RDB preamble, plus RDB snapshots (save 3600 1 300 100 60 10000)
#   always    the same with appendfsync always (an fsync before every reply)
gatehouse_redis_persistence_settings() {
  case "$1" in
    none) printf '%s\n' 'appendonly no' 'save ""' ;;
    everysec | always)
      printf '%s\n' 'save 3600 1 300 100 60 10000' 'aof-use-rdb-preamble yes' "appendfsync $1" 'appendonly yes' ;;
    *) echo "REDIS_PERSISTENCE: none, everysec or always, not $1" >&2; return 1 ;;
  esac
}

# Switches the running local redis-server to persistence mode $1 (CONFIG SET) and waits until the
# AOF rewrite that turning appendonly on starts has finished, so no measurement pays for it.
gatehouse_redis_persistence() {
  local settings setting name value
  settings="$(gatehouse_redis_persistence_settings "$1")" || return 1
  while read -r setting; do
    name="${setting%% *}"; value="${setting#* }"; [[ "$value" != '""' ]] || value=""
    gatehouse_redis_cli CONFIG SET "$name" "$value" > /dev/null
  done <<< "$settings"
  for _ in $(seq 600); do
    gatehouse_redis_cli INFO persistence | grep -Eq '^(aof_rewrite_in_progress|aof_rewrite_scheduled|rdb_bgsave_in_progress):1' || return 0
    sleep 0.1
  done
  echo "redis: AOF rewrite still running after 60 s" >&2; return 1
}

gatehouse_redis_cli() {
  REDISCLI_AUTH="$(cat "$GATEHOUSE_WORK/redis-password")" redis-cli -p "$GATEHOUSE_REDIS_LOCAL_PORT" "$@"
}

gatehouse_local_env() {
  command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install -y redis-server" >&2; return 1; }
  GATEHOUSE_WORK="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-local.XXXXXX")"
  mkdir -p "$GATEHOUSE_WORK/jwt" "$GATEHOUSE_WORK/redis"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$GATEHOUSE_WORK/jwt/local-1.pem" 2>/dev/null
  echo local-1 > "$GATEHOUSE_WORK/jwt/active-kid"
  cat > "$GATEHOUSE_WORK/clients.yaml" <<'YAML'
clients:
  - id: demo
    # bcrypt of "demo-secret"
    secret-hash: "$2a$10$NTAt/8BKh6p/OUYYsy5ejuTPy8Zacklq/nIq.JJPLzkx96icXHStC"
    grant-types: [client_credentials, password, refresh_token]
    scopes: [read, write]
YAML
  openssl rand -hex 24 > "$GATEHOUSE_WORK/admin-token"
  openssl rand -hex 16 > "$GATEHOUSE_WORK/redis-password"

  GATEHOUSE_REDIS_LOCAL_PORT="$(gatehouse_free_port)"
  local setting value persistence=()
  while read -r setting; do
    value="${setting#* }"; [[ "$value" != '""' ]] || value=""
    persistence+=("--${setting%% *}" "$value")
  done \
    < <(gatehouse_redis_persistence_settings "${REDIS_PERSISTENCE:-none}")
  redis-server --port "$GATEHOUSE_REDIS_LOCAL_PORT" --bind 127.0.0.1 --requirepass "$(cat "$GATEHOUSE_WORK/redis-password")" \
    "${persistence[@]}" --dir "$GATEHOUSE_WORK/redis" --maxclients 10000 \
    --logfile "$GATEHOUSE_WORK/redis/redis.log" --daemonize yes --pidfile "$GATEHOUSE_WORK/redis/redis.pid"
  for _ in $(seq 50); do
    gatehouse_redis_cli ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done

  export GATEHOUSE_ENVIRONMENT="local/$(hostname)"
  export GATEHOUSE_CLIENTSFILE="$GATEHOUSE_WORK/clients.yaml"
  export GATEHOUSE_ADMIN_TOKENFILE="$GATEHOUSE_WORK/admin-token"
  export GATEHOUSE_REDIS_HOST=127.0.0.1
  export GATEHOUSE_REDIS_PORT="$GATEHOUSE_REDIS_LOCAL_PORT"
  export GATEHOUSE_REDIS_PASSWORDFILE="$GATEHOUSE_WORK/redis-password"
  export GATEHOUSE_JWT_ISSUER="http://127.0.0.1"
  export GATEHOUSE_JWT_AUDIENCES="local-api"
  export GATEHOUSE_JWT_KEYSDIR="$GATEHOUSE_WORK/jwt"
}

gatehouse_local_cleanup() {
  if [[ -n "${GATEHOUSE_WORK:-}" && -f "$GATEHOUSE_WORK/redis/redis.pid" ]]; then
    # With save points or the AOF on, a SIGTERMed redis-server first saves, and stays up if it
    # cannot (the directory below is being removed): a throw-away server is shut down unsaved.
    local pid
    pid="$(cat "$GATEHOUSE_WORK/redis/redis.pid")"
    gatehouse_redis_cli SHUTDOWN NOSAVE > /dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # The directory holds a signing key and tokens' secrets of a throw-away set-up: leave nothing.
  [[ -n "${GATEHOUSE_WORK:-}" ]] && rm -rf "$GATEHOUSE_WORK"
  return 0
}
