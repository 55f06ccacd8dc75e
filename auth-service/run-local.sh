#!/usr/bin/env bash
# Runs the auth service locally against a throw-away redis-server, as the operator would run a pod.
# Usage: auth-service/run-local.sh            (PORT=8080 by default; Ctrl-C stops both)
set -euo pipefail
source "$(dirname "$0")/local-env.sh"

PORT="${PORT:-8080}"
gatehouse_build_jar
gatehouse_local_env
trap gatehouse_local_cleanup EXIT

cat <<TEXT
Gatehouse auth service on http://127.0.0.1:$PORT (Redis on 127.0.0.1:$GATEHOUSE_REDIS_PORT, files in $GATEHOUSE_WORK)
  curl -s -u demo:demo-secret -d grant_type=client_credentials http://127.0.0.1:$PORT/oauth2/token
  curl -s -X POST -H "Authorization: Bearer \$(cat $GATEHOUSE_WORK/admin-token)" -H 'Content-Type: application/json' \\
       -d '{"username":"alice","password":"alice-password"}' http://127.0.0.1:$PORT/admin/users
  curl -s -u demo:demo-secret -d grant_type=password -d username=alice -d password=alice-password http://127.0.0.1:$PORT/oauth2/token
  curl -s http://127.0.0.1:$PORT/health/redis
TEXT
java -jar "$GATEHOUSE_JAR" --server.port="$PORT"
