#!/usr/bin/env bash
# HTTP benchmark (issue 8, items 1-2): donation-service vs a raw ASP.NET Core + Npgsql baseline,
# in the same run on the same machine, plus start-to-ready time and resident memory of the four
# services. Starts its own private stack (durable PostgreSQL: PG_FAST=0), builds Release,
# migrates, seeds, warms up, measures and prints a table. Prints figures; never fails on speed.
#
# Usage: bench/http/run.sh
# Settings: BENCH_WARMUP (seconds of load per target before measuring, default 30),
#   BENCH_DURATION (seconds per measurement, default 15), BENCH_CONNS (wrk connections, 32),
#   BENCH_THREADS (wrk threads, 2), STARTUP_RUNS (3), PG_PORT (15492), AMQP_PORT (5733).
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$REPO"

export STACK_DIR="$REPO/.stack/bench-http" PG_PORT="${PG_PORT:-15492}" AMQP_PORT="${AMQP_PORT:-5733}"
export RABBIT_NODE="${RABBIT_NODE:-benchhttp@localhost}" PG_FAST=0
WARMUP="${BENCH_WARMUP:-30}" DURATION="${BENCH_DURATION:-15}" CONNS="${BENCH_CONNS:-32}" THREADS="${BENCH_THREADS:-2}"
STARTUP_RUNS="${STARTUP_RUNS:-3}"
OURS_PORT=18071 RAW_PORT=18081 STARTUP_PORT=18091
WORK="$STACK_DIR/bench"
LOG_DIR="$STACK_DIR/logs"
RAW_DLL="$REPO/bench/RawBaseline/bin/Release/net10.0/RawBaseline.dll"
LUA="$REPO/bench/http/bench.lua"
mkdir -p "$WORK" "$LOG_DIR"

declare -a STARTED=()
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  done
  finish_stack_up >/dev/null 2>&1 || true
  "$REPO/scripts/stack.sh" down >/dev/null 2>&1 || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages postgresql rabbitmq-server openssl curl wrk
for p in $OURS_PORT $RAW_PORT $STARTUP_PORT; do port_open "$p" && die "port $p is taken"; done

start_stack_async
build_solution
log "building bench/RawBaseline (Release)"
dotnet build "$REPO/bench/RawBaseline" -c Release -v q -nologo -tl:off -clp:ErrorsOnly >"$LOG_DIR/raw-build.log" 2>&1 ||
  { cat "$LOG_DIR/raw-build.log" >&2; die "RawBaseline build failed"; }
finish_stack_up || die "the stack did not start"
eval "$("$REPO/scripts/stack.sh" env)"
migrate_services
PSQL=(/usr/lib/postgresql/15/bin/psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d main)
export PGPASSWORD=postgres

now_ms() { echo $(($(date +%s%N) / 1000000)); }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
wait_healthy() { # wait_healthy PORT PID [TIMEOUT_S]: poll /api/health every 10 ms until 200
  local deadline=$(($(now_ms) + ${3:-60} * 1000))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/api/health" || true)" == 200 ]]; do
    proc_alive "$2" || return 1
    (($(now_ms) < deadline)) || return 1
    sleep 0.01
  done
}
start_dll() { # start_dll DLL PORT LOGNAME [MODE_ARG] : starts it, sets START_PID
  (cd "$(dirname "$1")" && exec dotnet "$1" ${4-"--standalone"} --urls "http://127.0.0.1:$2") >"$LOG_DIR/$3.log" 2>&1 &
  START_PID=$!
  STARTED+=("$START_PID")
}
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait_gone "$1" 10 || { kill -KILL "$1" 2>/dev/null || true; wait_gone "$1" 2 || true; }
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# --- Start-to-ready and idle memory of each service (quiet machine, one at a time) ---------------
declare -A READY_MS=() IDLE_MB=()
while read -r name _ _ _; do
  dll="$(service_dll "$name")"
  times=()
  for ((i = 1; i <= STARTUP_RUNS; i++)); do
    t0=$(now_ms)
    start_dll "$dll" "$STARTUP_PORT" "startup-$name"
    pid=$START_PID
    wait_healthy "$STARTUP_PORT" "$pid" 60 || { tail -n 30 "$LOG_DIR/startup-$name.log" >&2; die "$name did not become healthy"; }
    times+=($(($(now_ms) - t0)))
    if ((i == STARTUP_RUNS)); then
      sleep 5
      IDLE_MB[$name]="$(rss_mb "$pid")"
    fi
    stop_pid "$pid"
  done
  READY_MS[$name]="$(printf '%s\n' "${times[@]}" | median)"
  log "$name: start-to-ready ${times[*]} ms (median ${READY_MS[$name]}), idle RSS ${IDLE_MB[$name]} MB"
done < <(existing_services)

# --- Seed: a donor with 1,000 available donations ------------------------------------------------
DONOR_ID="$(cat /proc/sys/kernel/random/uuid)"
"${PSQL[@]}" >/dev/null <<SQL
insert into donation.profiles (id, email, role) values ('$DONOR_ID', 'bench-donor@example.com', 'donor');
insert into donation.donations (id, donor_id, title, description, category, location, status, created_at, updated_at)
select gen_random_uuid(), '$DONOR_ID', 'Bench item ' || g, 'Seeded by bench/http/run.sh', 'books', 'Berlin', 'available',
       now() - g * interval '1 minute', now() - g * interval '1 minute'
  from generate_series(1, 1000) g;
analyze donation.donations;
SQL
"${PSQL[@]}" -c "select id from donation.donations where donor_id = '$DONOR_ID' and status = 'available'" >"$WORK/ids.txt"
log "seeded $(wc -l <"$WORK/ids.txt") available donations for donor $DONOR_ID"
TOKEN="$(TOKEN_TTL=14400 "$REPO/scripts/mint-token.sh" "$DONOR_ID" bench-donor@example.com)"

# --- Start donation-service and the raw baseline ---------------------------------------------------
start_dll "$(service_dll DonationService)" "$OURS_PORT" bench-DonationService
OURS_PID=$START_PID
export RAW_DONOR_ID="$DONOR_ID"
start_dll "$RAW_DLL" "$RAW_PORT" bench-RawBaseline ""
RAW_PID=$START_PID
wait_healthy "$OURS_PORT" "$OURS_PID" 60 || die "donation-service did not become healthy"
wait_healthy "$RAW_PORT" "$RAW_PID" 60 || die "raw baseline did not become healthy"
OURS_IDLE_MB="$(rss_mb "$OURS_PID")" RAW_IDLE_MB="$(rss_mb "$RAW_PID")"
# sanity: each endpoint answers 2xx on both
for target in "$OURS_PORT /api" "$RAW_PORT /raw"; do
  read -r port prefix <<<"$target"
  id="$(head -n1 "$WORK/ids.txt")"
  for url in "$prefix/donations/$id" "$prefix/donations?status=available&limit=20"; do
    code="$(curl -s -o "$WORK/sanity.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$url")"
    [[ $code == 200 ]] || { cat "$WORK/sanity.json" >&2; die "GET $url on port $port answered $code"; }
  done
  code="$(curl -s -o "$WORK/sanity.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"Sanity","category":"books"}' "http://127.0.0.1:$port$prefix/donations")"
  [[ $code == 201 ]] || { cat "$WORK/sanity.json" >&2; die "POST $prefix/donations on port $port answered $code"; }
done

# run_wrk PORT PREFIX MODE SECONDS RATE : prints the RESULT line
run_wrk() {
  BENCH_MODE="$3" BENCH_PREFIX="$2" BENCH_TOKEN="$TOKEN" BENCH_IDS="$WORK/ids.txt" BENCH_RATE="$5" BENCH_CONNS="$CONNS" \
    wrk -t"$THREADS" -c"$CONNS" -d"${4}s" --timeout 5s -s "$LUA" "http://127.0.0.1:$1" >"$WORK/wrk.out" 2>&1 ||
    { cat "$WORK/wrk.out" >&2; die "wrk failed"; }
  grep '^RESULT' "$WORK/wrk.out" || { cat "$WORK/wrk.out" >&2; die "no RESULT from wrk"; }
}
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# --- Warm-up (JIT, pools, caches): WARMUP seconds of load per target, split over the scenarios ----
per=$(((WARMUP + 2) / 3))
((per >= 1)) || per=1
for target in "$OURS_PORT /api" "$RAW_PORT /raw"; do
  read -r port prefix <<<"$target"
  for mode in get list create; do
    log "warm-up $prefix $mode ${per}s"
    run_wrk "$port" "$prefix" "$mode" "$per" 0 >/dev/null
  done
done

# --- Measure ---------------------------------------------------------------------------------------
declare -A RPS=() P50=() P99=() RATE=() BAD=() LOAD_MB=()
peak_rss() { # peak_rss PID OUTFILE : samples VmRSS every 0.5 s until killed, keeps the max
  local max=0 v
  while proc_alive "$1"; do
    v="$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0)"
    ((v > max)) && { max=$v; echo "$max" >"$2"; }
    sleep 0.5
  done
}
peak_rss "$OURS_PID" "$WORK/ours.rss" & sampler1=$!
peak_rss "$RAW_PID" "$WORK/raw.rss" & sampler2=$!
for mode in get list create; do
  for who in ours raw; do
    if [[ $who == ours ]]; then port=$OURS_PORT prefix=/api; else port=$RAW_PORT prefix=/raw; fi
    log "$who $mode: saturation ${DURATION}s (-t$THREADS -c$CONNS)"
    r="$(run_wrk "$port" "$prefix" "$mode" "$DURATION" 0)"
    RPS[$who.$mode]="$(field rps "$r")"
    bad=$(($(field non2xx "$r") + $(field errors "$r")))
    half="$(awk -v r="${RPS[$who.$mode]}" 'BEGIN { printf "%d", r / 2 }')"
    log "$who $mode: ${RPS[$who.$mode]} req/s; fixed rate $half req/s ${DURATION}s"
    r="$(run_wrk "$port" "$prefix" "$mode" "$DURATION" "$half")"
    P50[$who.$mode]="$(field p50 "$r")" P99[$who.$mode]="$(field p99 "$r")" RATE[$who.$mode]="$(field rps "$r")"
    BAD[$who.$mode]=$((bad + $(field non2xx "$r") + $(field errors "$r")))
  done
done
kill "$sampler1" "$sampler2" 2>/dev/null || true
LOAD_MB[ours]="$(cat "$WORK/ours.rss" 2>/dev/null || echo '?')" LOAD_MB[raw]="$(cat "$WORK/raw.rss" 2>/dev/null || echo '?')"

# --- Table -----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
{
  echo
  echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ { print $2 }') MiB RAM, $(uname -r); PostgreSQL fsync on (PG_FAST=0); wrk -t$THREADS -c$CONNS, ${DURATION}s per figure, warm-up ${WARMUP}s per target"
  echo "fixed rate = half the saturation req/s, paced with wrk Lua delay() (closed loop; achieved rate shown)"
  echo
  printf '%-8s | %10s %10s %6s | %9s | %8s %8s | %8s %8s | %s\n' scenario "ours rps" "raw rps" ratio "rate" "ours p50" "raw p50" "ours p99" "raw p99" "non-2xx/errors (ours, raw)"
  printf -- '---------+-------------------------------+-----------+-------------------+-------------------+---------------------------\n'
  for mode in get list create; do
    printf '%-8s | %10s %10s %6s | %4s/%4s | %6sms %6sms | %6sms %6sms | %s, %s\n' "$mode" \
      "${RPS[ours.$mode]}" "${RPS[raw.$mode]}" "$(ratio "${RPS[ours.$mode]}" "${RPS[raw.$mode]}")" \
      "${RATE[ours.$mode]%.*}" "${RATE[raw.$mode]%.*}" \
      "${P50[ours.$mode]}" "${P50[raw.$mode]}" "${P99[ours.$mode]}" "${P99[raw.$mode]}" "${BAD[ours.$mode]}" "${BAD[raw.$mode]}"
  done
  echo "targets: get/list ours/raw >= 0.7; create (with outbox row) >= 0.6"
  for mode in get list create; do
    ((${BAD[ours.$mode]} + ${BAD[raw.$mode]} == 0)) || echo "WARNING: $mode had non-2xx answers or socket errors: its figures are not comparable"
  done
  echo
  echo "memory (RSS): donation-service idle ${OURS_IDLE_MB} MB, peak under load ${LOAD_MB[ours]} MB; raw baseline idle ${RAW_IDLE_MB} MB, peak under load ${LOAD_MB[raw]} MB ($(ratio "${LOAD_MB[ours]}" "${LOAD_MB[raw]}")x)"
  echo
  printf '%-18s | %s | %s\n' service "start-to-ready median of $STARTUP_RUNS (target < 1500 ms)" "idle RSS 5 s after ready (target < 150 MB)"
  while read -r name _ _ _; do
    printf '%-18s | %8s ms | %6s MB\n' "$name" "${READY_MS[$name]}" "${IDLE_MB[$name]}"
  done < <(existing_services)
} | tee "$WORK/results.txt"
log "results also in $WORK/results.txt; logs in $LOG_DIR"
