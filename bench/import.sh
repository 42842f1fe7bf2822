#!/usr/bin/env bash
# Import speed (issue 22): generates the two databases of the original app (scripts/sql/legacy/: the
# main one and the campaign one), then runs import-legacy of donation-service (profiles, donations),
# request-service (requests, ratings) and messaging-service (messages, reports), starts the four
# services so that the copies are built from the imports' events (timed until check-copies of every
# service reports 0 differences), runs campaign-service's import (campaigns, contributions: its owner
# check needs the profile copy), and does it all twice: the first pass finds every row new, the
# second finds every row unchanged (the last pass before a switch-over). Then republish (the
# on-demand rebuild of the copies) is timed the same way. Prints rows/s per table from each
# command's counts table, and each step's wall time (process starts included).
# Runs on its own stack (.stack/bench, like the other benchmarks) unless STACK_DIR, PG_PORT,
# AMQP_PORT and RABBIT_NODE name another; PostgreSQL fsync stays on unless PG_FAST=1.
# Usage: bench/import.sh [users=10000] [donations=100000] [messages=200000] [batch=1000]
#        (requests = donations / 2, ratings = requests / 12, reports = users / 5,
#         campaigns = users / 10, contributions = donations / 2; the services listen on PG_PORT+101..104)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
export STACK_DIR="${STACK_DIR:-$PWD/.stack/bench}" PG_PORT="${PG_PORT:-15472}" AMQP_PORT="${AMQP_PORT:-5713}" \
  RABBIT_NODE="${RABBIT_NODE:-bench@localhost}" PG_FAST="${PG_FAST:-0}" RABBIT_MANAGEMENT="${RABBIT_MANAGEMENT:-0}"
USERS="${1:-10000}" DONATIONS="${2:-100000}" MESSAGES="${3:-200000}" BATCH="${4:-1000}"
for v in "$USERS" "$DONATIONS" "$MESSAGES" "$BATCH"; do [[ $v =~ ^[0-9]+$ ]] || die "usage: bench/import.sh [users] [donations] [messages] [batch]"; done
REQUESTS=$((DONATIONS / 2)) RATINGS=$((DONATIONS / 24)) REPORTS=$((USERS / 5)) CAMPAIGNS=$((USERS / 10)) CONTRIBUTIONS=$((DONATIONS / 2))

bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"
SEED="bench$(date +%s)"
LEGACY_DB="legacy_$SEED"
psql_db() { "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt "${@:2}"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
PIDS=()
stop_services() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; PIDS=(); }
finish() {
  stop_services
  psql_db main -c "drop database if exists $LEGACY_DB with (force)" >/dev/null 2>&1 || true
  psql_db main -c "drop database if exists ${LEGACY_DB}_c with (force)" >/dev/null 2>&1 || true
  [[ ${KEEP_STACK:-0} == 1 ]] || bash scripts/stack.sh down
}
trap finish EXIT

SERVICES=(DonationService RequestService MessagingService)
ALL=(DonationService RequestService CampaignService MessagingService)
for s in "${ALL[@]}"; do dotnet build "functions/$s" -c Release -v q -nologo -clp:ErrorsOnly >/dev/null; done
for s in "${ALL[@]}"; do (cd "$(dirname "$(service_dll "$s")")" && dotnet "$(service_dll "$s")" migrate >/dev/null); done

psql_db main -c "create database $LEGACY_DB"
for f in original-main generate-main; do psql_db "$LEGACY_DB" -f "scripts/sql/legacy/$f.sql"; done
t0=$EPOCHREALTIME
psql_db "$LEGACY_DB" -c "select legacy_generate('$SEED', $USERS, $DONATIONS, $REQUESTS, $RATINGS, $MESSAGES, $REPORTS)" >/dev/null
log "generated $USERS profiles, $DONATIONS donations, $REQUESTS requests, $RATINGS ratings, $MESSAGES messages, $REPORTS reports in $(since "$t0") s"
psql_db main -c "create database ${LEGACY_DB}_c"
for f in original-campaign generate-campaign; do psql_db "${LEGACY_DB}_c" -f "scripts/sql/legacy/$f.sql"; done
t0=$EPOCHREALTIME
psql_db "${LEGACY_DB}_c" -c "select legacy_generate_campaigns('$SEED', $USERS, $CAMPAIGNS, $CONTRIBUTIONS)" >/dev/null
log "generated $CAMPAIGNS campaigns, $CONTRIBUTIONS contributions in $(since "$t0") s"

export LegacyDbConnection="Host=127.0.0.1;Port=$PG_PORT;Database=$LEGACY_DB;Username=postgres;Password=postgres"
export LegacyCampaignDbConnection="Host=127.0.0.1;Port=$PG_PORT;Database=${LEGACY_DB}_c;Username=postgres;Password=postgres" LegacyCurrency=etb
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync $([[ $PG_FAST == 1 ]] && echo off || echo on); $BATCH rows per page"

run_import() {
  local s=$1 dll out t0
  dll="$(service_dll "$s")"
  t0=$EPOCHREALTIME
  out="$(cd "$(dirname "$dll")" && dotnet "$dll" import-legacy --batch-size "$BATCH" --report "$STACK_DIR/import-report-$s.txt" 2>&1)" ||
    { printf '%s\n' "$out" >&2; die "$s import-legacy failed"; }
  printf '%s\n' "$out" | grep -E '^public\.' | awk '{ printf "  %-20s read %8s  new %8s  changed %6s  unchanged %8s  skipped %4s  %7s s  %8s rows/s\n", $1, $2, $4, $5, $6, $8, $11, $12 }'
  echo "  $s: $(since "$t0") s wall"
}
tool() { local s=$1 dll; dll="$(service_dll "$s")"; (cd "$(dirname "$dll")" && dotnet "$dll" "${@:2}"); }
start_services() {
  local i=0 s port dll
  for s in "${ALL[@]}"; do
    i=$((i + 1)) port=$((PG_PORT + 100 + i)) dll="$(service_dll "$s")"
    [[ $s == DonationService ]] && export DonationServiceUrl="http://127.0.0.1:$port"
    (use_development_environment && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$port") >"$STACK_DIR/bench-import-$s.log" 2>&1 &
    PIDS+=($!)
  done
  for i in 1 2 3 4; do for _ in $(seq 600); do port_open $((PG_PORT + 100 + i)) && break; sleep 0.1; done; done
  services_alive
}
services_alive() { local p; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || die "a service stopped: see $STACK_DIR/bench-import-*.log"; done; }
# Waits until every outbox is empty and every service's check-copies reports 0 differences (over the
# exported rows: --ignore-extra, since a stack reused from test runs holds copies of their users too).
copies_settle() {
  local t0=$EPOCHREALTIME unsent checks
  while :; do
    unsent="$(psql_db main -c "select (select count(*) from donation.outbox where sent_at is null) + (select count(*) from request.outbox where sent_at is null)")"
    [[ $unsent == 0 ]] && break
    sleep 0.5
  done
  echo "  outboxes relayed: $(since "$t0") s"
  while :; do
    tool DonationService export-copies "$STACK_DIR/donation.jsonl" >/dev/null
    tool RequestService export-copies "$STACK_DIR/request.jsonl" >/dev/null
    checks=0
    for s in RequestService CampaignService MessagingService; do tool "$s" check-copies --ignore-extra --show 0 "$STACK_DIR/donation.jsonl" >"$STACK_DIR/check-$s.txt" || checks=$((checks + 1)); done
    tool DonationService check-copies --ignore-extra --show 0 "$STACK_DIR/request.jsonl" >"$STACK_DIR/check-DonationService.txt" || checks=$((checks + 1))
    [[ $checks == 0 ]] && break
    services_alive
    (( $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print (b - a > 600) }') )) && { cat "$STACK_DIR"/check-*.txt >&2; die "copies still differ after 600 s"; }
  done
  echo "  copies checked equal (check-copies of the four services: 0 differences): $(since "$t0") s after the imports"
  grep -hE '^[a-z]+\.' "$STACK_DIR"/check-*.txt | sed 's/^/    /'
}

start_services
for pass in first second; do
  echo "== $pass pass"
  t_pass=$EPOCHREALTIME
  for s in "${SERVICES[@]}"; do run_import "$s"; done
  echo "  copies:"
  t0=$EPOCHREALTIME
  copies_settle
  run_import CampaignService
  echo "  $pass pass, imports and copies: $(since "$t_pass") s"
done
echo "== republish (on-demand rebuild of every copy)"
t0=$EPOCHREALTIME
tool DonationService republish --batch-size "$BATCH" | sed 's/^/  /'
echo "  republish queued in $(since "$t0") s"
copies_settle
echo "  republish to copies equal: $(since "$t0") s"
