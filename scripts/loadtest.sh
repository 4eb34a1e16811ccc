#!/usr/bin/env bash
# The load test (make loadtest): gunicorn with production settings on 127.0.0.1, then locust, headless,
# with LOAD_USERS simulated people (default 50) for LOAD_TIME (default 60s). DATABASE_URL must be a
# PostgreSQL database that `manage.py benchmark --scale national` built. Prints locust's summary;
# writes loadtest/results_stats.csv. Exits non-zero when any request failed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
case "${DATABASE_URL:-}" in postgres://*|postgresql://*) ;; *) echo "loadtest needs DATABASE_URL=postgres://... (a benchmark database)"; exit 2;; esac
port=${LOAD_PORT:-8116}
users=${LOAD_USERS:-50}
duration=${LOAD_TIME:-60s}
export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 REQUIRE_TWO_FACTOR_FOR= \
  ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY=${SECRET_KEY:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')}
GUNICORN_BIND=127.0.0.1:$port "$BIN/gunicorn" -c gunicorn.conf.py --access-logfile /dev/null yos_audit.wsgi &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.2
done
"$BIN/locust" -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$port" \
  --users "$users" --spawn-rate 10 --run-time "$duration" --stop-timeout 10 \
  --csv loadtest/results --only-summary --exit-code-on-error 1
