#!/usr/bin/env bash
# Cold start of the four apps (issue 21): JIT-compiled (a portable publish, as `func start`, the tests
# and compose run them) beside ReadyToRun (a publish for linux-x64, as scripts/deploy-packages.sh
# deploys them to Azure; functions/Directory.Build.props). On a private stack, each app is started
# RUNS times per variant, the variants alternating, one process at a time:
# - ready: process spawn (bash $EPOCHREALTIME read just before `dotnet` is exec'd) → the first 200 of
#   GET /api/health, which checks the database and the broker through the whole middleware pipeline;
# - first list: spawn → the first 200 of the service's first public read (GET /api/donations,
#   GET /api/campaigns; request- and messaging-service have none without a token: "-").
# Then the same publishes in Functions mode (bench/FunctionsColdStart): worker start → functions
# loaded, and → the first 200 of GET /api/health through the host's front door.
# Medians with min–max. Output on stdout and in .stack/bench-cold/results.md.
# Usage: bench/cold-start.sh [runs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
RUNS="${1:-5}"
export STACK_DIR="$PWD/.stack/bench-cold" PG_PORT="${PG_PORT:-15512}" AMQP_PORT="${AMQP_PORT:-5753}" \
  RABBIT_NODE="${RABBIT_NODE:-benchcold@localhost}" PG_FAST=1 RABBIT_MANAGEMENT=0
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
use_development_environment
OUT="$STACK_DIR/cold"
PORT="${COLD_PORT:-17191}"
rm -rf "$OUT" && mkdir -p "$OUT"

declare -A FIRST_READ=([DonationService]=/api/donations [CampaignService]=/api/campaigns)
mapfile -t NAMES < <(existing_services | awk '{ print $1 }')
for name in "${NAMES[@]}"; do
  log "$name: publishing JIT (portable) and ReadyToRun (linux-x64)"
  dotnet publish "functions/$name/$name.csproj" -c Release -o "$OUT/jit/$name" -v q -nologo -tl:off >"$OUT/publish-$name-jit.log" 2>&1 ||
    { cat "$OUT/publish-$name-jit.log" >&2; die "publish of $name failed"; }
  dotnet publish "functions/$name/$name.csproj" -c Release -r linux-x64 -o "$OUT/r2r/$name" -v q -nologo -tl:off >"$OUT/publish-$name-r2r.log" 2>&1 ||
    { cat "$OUT/publish-$name-r2r.log" >&2; die "publish of $name for linux-x64 failed"; }
  (use_service_broker "$name" && cd "$OUT/jit/$name" && dotnet "$name.dll" migrate >"$OUT/migrate-$name.log" 2>&1) ||
    { cat "$OUT/migrate-$name.log" >&2; die "migrations of $name failed"; }
done

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
# until_200 URL PID : polls every 5 ms; prints the microseconds at the first 200, fails if the process dies
until_200() {
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" == 200 ]]; do
    proc_alive "$2" || return 1
    sleep 0.005
  done
  now_us
}
median_range() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%d (%d–%d)", m, a[1], a[NR] }'; }

declare -A READY=() FIRST=()
for ((run = 1; run <= RUNS; run++)); do
  for name in "${NAMES[@]}"; do
    for variant in jit r2r; do
      dir="$OUT/$variant/$name"
      uri="$(broker_uri_for "$name")"
      t0="$(now_us)"
      (cd "$dir" && RabbitMQConnection="$uri" exec dotnet "$name.dll" --standalone --urls "http://127.0.0.1:$PORT") >"$OUT/run-$name-$variant-$run.log" 2>&1 &
      pid=$!
      ready="$(until_200 "http://127.0.0.1:$PORT/api/health" "$pid")" || { tail -n 30 "$OUT/run-$name-$variant-$run.log" >&2; die "$name ($variant) did not become ready"; }
      READY[$name.$variant]+="$(((ready - t0) / 1000)) "
      if [[ -n ${FIRST_READ[$name]:-} ]]; then
        first="$(until_200 "http://127.0.0.1:$PORT${FIRST_READ[$name]}" "$pid")" || die "$name ($variant): ${FIRST_READ[$name]} failed"
        FIRST[$name.$variant]+="$(((first - t0) / 1000)) "
      fi
      kill -TERM "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
  done
  log "run $run of $RUNS done"
done

{
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs per variant, alternating"
  echo
  echo "| app | ready, JIT (ms) | ready, ReadyToRun (ms) | first list, JIT (ms) | first list, ReadyToRun (ms) |"
  echo "|---|---:|---:|---:|---:|"
  for name in "${NAMES[@]}"; do
    printf '| %s | %s | %s | %s | %s |\n' "$name" \
      "$(tr ' ' '\n' <<<"${READY[$name.jit]}" | sed '/^$/d' | median_range)" \
      "$(tr ' ' '\n' <<<"${READY[$name.r2r]}" | sed '/^$/d' | median_range)" \
      "$(tr ' ' '\n' <<<"${FIRST[$name.jit]:-}" | sed '/^$/d' | median_range)" \
      "$(tr ' ' '\n' <<<"${FIRST[$name.r2r]:-}" | sed '/^$/d' | median_range)"
  done
  echo
  echo "(spawn → first 200 of GET /api/health; first list: spawn → first 200 of the service's public list; medians (min–max))"
} | tee "$STACK_DIR/results.md"

# Functions mode: the same publishes, each launched by the test Functions host over the host
# protocol (worker.config.json, gRPC init, indexing, function loads) as `func start` and Azure do.
log "Functions mode: the test Functions host launches each app, $RUNS times per variant"
dotnet build bench/FunctionsColdStart -c Release -v q -nologo -tl:off >"$OUT/build-functions-cold-start.log" 2>&1 ||
  { cat "$OUT/build-functions-cold-start.log" >&2; die "build of bench/FunctionsColdStart failed"; }
entries=()
for name in "${NAMES[@]}"; do
  export "RabbitMQConnection_$name=$(broker_uri_for "$name")"
  entries+=("$name=JIT=$OUT/jit/$name" "$name=ReadyToRun=$OUT/r2r/$name")
done
{
  echo
  dotnet bench/FunctionsColdStart/bin/Release/net10.0/FunctionsColdStart.dll "$RUNS" "${entries[@]}"
} | tee -a "$STACK_DIR/results.md"
