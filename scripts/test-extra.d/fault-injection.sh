#!/usr/bin/env bash
# Fault injection (issue 7, item 1): starts the four services standalone on their own ports, runs
# tests/FaultInjection (a mixed load through the HTTP APIs while RabbitMQ is killed and restarted,
# services are SIGKILLed and restarted, and PostgreSQL is restarted; then a reconciliation across
# services), stops everything it started, and exits non-zero when the reconciliation fails.
#
# Run by scripts/test.sh with the test stack's environment exported. By hand, against a private
# stack (the faults stop and start that stack's PostgreSQL and RabbitMQ):
#   export STACK_DIR=$PWD/.stack/fault PG_PORT=15482 AMQP_PORT=5723 RABBIT_NODE=fault@localhost
#   scripts/stack.sh up && eval "$(scripts/stack.sh env)" && export PLATFORM_STACK_SCRIPT=$PWD/scripts/stack.sh
#   (build in Release and migrate the services, as scripts/test.sh does) && scripts/test-extra.d/fault-injection.sh
# Settings: FAULT_SECONDS (load time, default 75), FAULT_DRAIN_SECONDS (60), FAULT_WORKERS (6),
# FAULT_KILL_SERVICE (services SIGKILLed one after the other; default
# RequestService,MessagingService,DonationService), FAULT_PORT_BASE (7271: services on 7271-7274),
# FAULT_SKIP (e.g. rabbit,kill,pg), PLATFORM_BUILD_CONFIGURATION (Release).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

for var in PLATFORM_STACK_SCRIPT RabbitMQConnection MainDbAdminConnection CampaignDbAdminConnection \
  DonationDbConnection RequestDbConnection CampaignDbConnection MessagingDbConnection SUPABASE_JWT_SECRET; do
  [[ -n ${!var:-} ]] || die "$var is not set: run from scripts/test.sh, or export the stack env (see the header of this script)"
done

CONFIGURATION="${PLATFORM_BUILD_CONFIGURATION:-Release}"
STACK_DIR="${STACK_DIR:-${PLATFORM_STACK_DIR:-$REPO/.stack/test}}"
RUN_DIR="$STACK_DIR/fault-injection"
PORT_BASE="${FAULT_PORT_BASE:-7271}"
DRIVER="$REPO/tests/FaultInjection/bin/$CONFIGURATION/net10.0/FaultInjection.dll"
SERVICES=(DonationService RequestService CampaignService MessagingService)
export STACK_DIR

declare -A PORT=()
for i in "${!SERVICES[@]}"; do PORT[${SERVICES[$i]}]=$((PORT_BASE + i)); done

# stop_started NAME : stops the process named by NAME's pid file if it is that service (the driver
# rewrites the pid file when it restarts a service it killed).
stop_started() {
  local pidfile="$RUN_DIR/$1.pid" pid
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid="$(head -n1 "$pidfile")"
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$1\.dll"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 2 || true; }
  fi
  rm -f "$pidfile"
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$? name
  trap - EXIT INT TERM
  [[ -z ${driver_pid:-} ]] || { kill -TERM "$driver_pid" 2>/dev/null || true; wait_gone "$driver_pid" 5 || kill -KILL "$driver_pid" 2>/dev/null || true; }
  for name in "${SERVICES[@]}"; do stop_started "$name"; done
  # If the run was cut short during a fault, leave the stack running for whoever comes next.
  if ! bash "$PLATFORM_STACK_SCRIPT" status >/dev/null 2>&1; then
    log "bringing the stack back up after an interrupted fault"
    bash "$PLATFORM_STACK_SCRIPT" pg-start >/dev/null 2>&1 || warn "pg-start failed"
    bash "$PLATFORM_STACK_SCRIPT" rabbit-start >/dev/null 2>&1 || warn "rabbit-start failed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
mkdir -p "$RUN_DIR"
for name in "${SERVICES[@]}"; do
  stop_started "$name" # a previous run's leftover, known by its pid file
  [[ -f $(service_dll "$name" "$CONFIGURATION") ]] || die "$(service_dll "$name" "$CONFIGURATION") is missing: build the solution ($CONFIGURATION) first"
  port_open "${PORT[$name]}" && die "port ${PORT[$name]} ($name) is taken by a process this script did not start (set FAULT_PORT_BASE)"
done
if [[ ! -f $DRIVER ]]; then
  log "building tests/FaultInjection ($CONFIGURATION)"
  dotnet build "$REPO/tests/FaultInjection/FaultInjection.csproj" -c "$CONFIGURATION" -v q -nologo -clp:ErrorsOnly >&2 ||
    die "tests/FaultInjection did not build"
fi

# The services' environment; the driver passes it on unchanged when it restarts the one it killed.
export DonationServiceUrl="http://127.0.0.1:${PORT[DonationService]}"
use_development_environment
use_rig_rate_limits # one address, a few users, thousands of requests a second: allowances no rig reaches, the limiter still measured
export Logging__LogLevel__Default=Warning Logging__LogLevel__Platform=Information Logging__Console__FormatterName=simple
export FAULT_RUN_DIR="$RUN_DIR" FAULT_REPO="$REPO" PLATFORM_BUILD_CONFIGURATION="$CONFIGURATION"
FAULT_SERVICES=""
for name in "${SERVICES[@]}"; do FAULT_SERVICES+="${FAULT_SERVICES:+,}$name=${PORT[$name]}"; done
export FAULT_SERVICES

for name in "${SERVICES[@]}"; do
  dll="$(service_dll "$name" "$CONFIGURATION")"
  : >"$RUN_DIR/$name.log"
  (use_service_broker "$name" && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:${PORT[$name]}") >>"$RUN_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  disown $! # the driver SIGKILLs one on purpose: no job-status noise
done
for name in "${SERVICES[@]}"; do
  deadline=$((SECONDS + 90))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${PORT[$name]}/api/health" || true)" == 200 ]]; do
    if ! pid_alive "$RUN_DIR/$name.pid" || ((SECONDS >= deadline)); then
      tail -n 40 "$RUN_DIR/$name.log" >&2
      die "$name did not become healthy on port ${PORT[$name]} (log: $RUN_DIR/$name.log)"
    fi
    sleep 0.5
  done
done
log "services up in $((SECONDS - t0)) s on ports ${PORT[*]}; logs in $RUN_DIR"

rc=0
dotnet "$DRIVER" &
driver_pid=$!
wait "$driver_pid" || rc=$?
driver_pid=
log "fault injection $( ((rc == 0)) && echo passed || echo FAILED) in $((SECONDS - t0)) s (service logs: $RUN_DIR)"
exit "$rc"
