#!/usr/bin/env bash
# Runs the platform locally: installs what is missing, starts the dev stack (PostgreSQL + RabbitMQ),
# builds, migrates and starts every service as a standalone ASP.NET Core server, waits for their
# health checks, then runs until Ctrl-C, which stops the services and the stack.
# Settings: STACK_DIR (default $REPO/.stack/dev), PG_PORT, AMQP_PORT, RABBIT_MANAGEMENT (see
# stack.sh), PG_FAST (default 0 here: durable), HEALTH_TIMEOUT (seconds, default 60).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$SECONDS
export STACK_DIR="${STACK_DIR:-$REPO/.stack/dev}" PG_FAST="${PG_FAST:-0}"
STACK="$REPO/scripts/stack.sh"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-60}"

# stop_service NAME : stop the process named by its pid file, if that process is this service.
stop_service() {
  local pidfile="$RUN_DIR/$1.pid" pid
  if pid_alive "$pidfile"; then
    pid="$(<"$pidfile")"
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$1\.dll"; then
      log "stopping $1 (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 2 || true; }
    fi
  fi
  rm -f "$pidfile"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local name _
  [[ -z ${idle_pid:-} ]] || kill "$idle_pid" 2>/dev/null || true
  while read -r name _; do stop_service "$name"; done < <(existing_services)
  finish_stack_up >/dev/null 2>&1 || true # never leave a half-started stack behind
  "$STACK" down || true
  log "stopped"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages postgresql rabbitmq-server openssl curl
mkdir -p "$RUN_DIR" "$LOG_DIR"
# The services' ports: stop a previous run's leftover (known by its pid file), refuse others.
while read -r name port _ _; do
  stop_service "$name"
  port_open "$port" && die "port $port ($name) is taken by a process this script did not start"
done < <(existing_services)
start_stack_async
build_solution
finish_stack_up || die "the stack did not start"
eval "$("$STACK" env)" # PG_PORT, RabbitMQConnection, the connection strings, ...
migrate_services

# Start every service in the Development environment (lib.sh: local endpoints, the development payment provider).
use_development_environment
declare -A pids=()
while read -r name port _ _; do
  port_open "$port" && die "port $port ($name) was taken while building"
  dll="$(service_dll "$name")"
  log "starting $name on http://127.0.0.1:$port"
  (use_service_broker "$name" && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$port") \
    >"$LOG_DIR/$name.log" 2>&1 &
  pids[$name]=$!
  echo "${pids[$name]}" >"$RUN_DIR/$name.pid"
done < <(existing_services)
((${#pids[@]} > 0)) || warn "no service folder under functions/ yet: only the stack runs"

# Wait until each answers GET /api/health with 200.
while read -r name port _ _; do
  deadline=$((SECONDS + HEALTH_TIMEOUT))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/health" || true)" == 200 ]]; do
    if ! proc_alive "${pids[$name]}" || ((SECONDS >= deadline)); then
      tail -n 40 "$LOG_DIR/$name.log" >&2
      die "$name did not become healthy on port $port within ${HEALTH_TIMEOUT} s (log: $LOG_DIR/$name.log)"
    fi
    sleep 0.25
  done
done < <(existing_services)

cat <<EOF

Platform up in $((SECONDS - t0)) s.
$(while read -r name port _ _; do printf '  %-18s http://127.0.0.1:%s   (log: %s)\n' "$name" "$port" "$LOG_DIR/$name.log"; done < <(existing_services))
  PostgreSQL         127.0.0.1:$PG_PORT  databases main, campaign  user postgres / postgres
  RabbitMQ           amqp://guest:guest@127.0.0.1:$AMQP_PORT/ (admin); each service connects as its own user (lib.sh broker_uri_for)
Access tokens (HS256, signed with the local SUPABASE_JWT_SECRET):
  scripts/mint-token.sh new you@example.com          # a user (recipient until PUT /api/profiles/me sets role donor)
  scripts/mint-token.sh new admin@example.com admin  # an admin
  e.g. curl -H "Authorization: Bearer \$(scripts/mint-token.sh new you@example.com)" http://127.0.0.1:$(service_port DonationService)/api/health
Press Ctrl-C to stop the services and the stack.
EOF

# Run until Ctrl-C, or until a service exits on its own.
if ((${#pids[@]} > 0)); then
  rc=0
  wait -n "${pids[@]}" || rc=$?
  for name in "${!pids[@]}"; do
    proc_alive "${pids[$name]}" && continue
    tail -n 40 "$LOG_DIR/$name.log" >&2
    die "$name exited (status $rc); stopping everything"
  done
else
  sleep infinity &
  idle_pid=$!
  wait "$idle_pid"
fi
