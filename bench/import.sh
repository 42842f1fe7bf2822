#!/usr/bin/env bash
# Import speed (issue 22): generates a database in the original app's shape (scripts/sql/legacy/),
# then runs import-legacy of donation-service (profiles, donations), request-service (requests,
# ratings) and messaging-service (messages, reports) in the order of the switch-over, twice: the
# first pass finds every row new, the second finds every row unchanged (the last pass before a
# switch-over, when the original has written little since). Prints rows/s per table from each
# command's counts table, and each command's wall time (process start included).
# Runs on its own stack (.stack/bench, like the other benchmarks) unless STACK_DIR, PG_PORT,
# AMQP_PORT and RABBIT_NODE name another; PostgreSQL fsync stays on unless PG_FAST=1.
# Usage: bench/import.sh [users=10000] [donations=100000] [messages=200000] [batch=1000]
#        (requests = donations / 2, ratings = requests / 12, reports = users / 5)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
export STACK_DIR="${STACK_DIR:-$PWD/.stack/bench}" PG_PORT="${PG_PORT:-15472}" AMQP_PORT="${AMQP_PORT:-5713}" \
  RABBIT_NODE="${RABBIT_NODE:-bench@localhost}" PG_FAST="${PG_FAST:-0}" RABBIT_MANAGEMENT="${RABBIT_MANAGEMENT:-0}"
USERS="${1:-10000}" DONATIONS="${2:-100000}" MESSAGES="${3:-200000}" BATCH="${4:-1000}"
for v in "$USERS" "$DONATIONS" "$MESSAGES" "$BATCH"; do [[ $v =~ ^[0-9]+$ ]] || die "usage: bench/import.sh [users] [donations] [messages] [batch]"; done
REQUESTS=$((DONATIONS / 2)) RATINGS=$((DONATIONS / 24)) REPORTS=$((USERS / 5))

bash scripts/stack.sh up
eval "$(bash scripts/stack.sh env)"
SEED="bench$(date +%s)"
LEGACY_DB="legacy_$SEED"
psql_db() { "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt "${@:2}"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
finish() {
  psql_db main -c "drop database if exists $LEGACY_DB with (force)" >/dev/null 2>&1 || true
  [[ ${KEEP_STACK:-0} == 1 ]] || bash scripts/stack.sh down
}
trap finish EXIT

SERVICES=(DonationService RequestService MessagingService)
for s in "${SERVICES[@]}"; do dotnet build "functions/$s" -c Release -v q -nologo -clp:ErrorsOnly >/dev/null; done
for s in "${SERVICES[@]}"; do (cd "$(dirname "$(service_dll "$s")")" && dotnet "$(service_dll "$s")" migrate >/dev/null); done

psql_db main -c "create database $LEGACY_DB"
for f in original-main generate-main; do psql_db "$LEGACY_DB" -f "scripts/sql/legacy/$f.sql"; done
t0=$EPOCHREALTIME
psql_db "$LEGACY_DB" -c "select legacy_generate('$SEED', $USERS, $DONATIONS, $REQUESTS, $RATINGS, $MESSAGES, $REPORTS)" >/dev/null
log "generated $USERS profiles, $DONATIONS donations, $REQUESTS requests, $RATINGS ratings, $MESSAGES messages, $REPORTS reports in $(since "$t0") s"

export LegacyDbConnection="Host=127.0.0.1;Port=$PG_PORT;Database=$LEGACY_DB;Username=postgres;Password=postgres"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync $([[ $PG_FAST == 1 ]] && echo off || echo on); $BATCH rows per page"
for pass in first second; do
  echo "== $pass pass"
  for s in "${SERVICES[@]}"; do
    dll="$(service_dll "$s")"
    t0=$EPOCHREALTIME
    out="$(cd "$(dirname "$dll")" && dotnet "$dll" import-legacy --batch-size "$BATCH" --report "$STACK_DIR/import-report-$s.txt" 2>&1)" ||
      { printf '%s\n' "$out" >&2; die "$s import-legacy failed"; }
    printf '%s\n' "$out" | grep -E '^public\.' | awk '{ printf "  %-18s read %8s  new %8s  changed %6s  unchanged %8s  skipped %4s  %7s s  %8s rows/s\n", $1, $2, $4, $5, $6, $8, $11, $12 }'
    echo "  $s: $(since "$t0") s wall"
  done
done
