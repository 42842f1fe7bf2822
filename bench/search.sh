#!/usr/bin/env bash
# Search benchmark (issue 17): GET /api/donations with q (full-text), q with sort=relevance, and
# near + sort=distance, on 100,000 seeded donations (and 20,000 campaigns), through donation-service
# beside the raw app (bench/RawBaseline, /raw/donations/search) running the same SQL; then the worst
# q we could think of, timed one by one against the service. Prints figures; never fails on speed.
#
# Runs against an existing stack: YOURS, from the environment (STACK_DIR, PG_PORT, AMQP_PORT and what
# `scripts/stack.sh env` prints); it never starts, stops or destroys one, and it refuses the fixed
# ports of the shared benchmark stack (15492/5733) and of the services (7071-7074). The apps listen on
# OURS_PORT (default 7121) and RAW_PORT (default 7122).
#
# Per scenario, like bench/http/run.sh: BENCH_ROUNDS interleaved saturation rounds (ours then raw,
# raw then ours, ...) of BENCH_DURATION seconds give each app's median req/s; then as many
# interleaved rounds paced at half of each app's own median give its p50 and p99 (medians over the
# rounds). Each request draws its q (or near point) at random from a list, so the plans vary as a
# frontend's do. Seeding is idempotent: rows of an earlier run (the bench donor's) are replaced.
#
# Usage: STACK_DIR=... PG_PORT=... AMQP_PORT=... RABBIT_NODE=... bench/search.sh
# Settings: BENCH_DONATIONS (100000), BENCH_CAMPAIGNS (20000), BENCH_DURATION (10), BENCH_ROUNDS (3),
#   BENCH_WARMUP (seconds per app and scenario, 5), BENCH_CONNS (16), BENCH_THREADS (2),
#   BENCH_NO_BUILD=1 (use the existing Release build), OURS_PORT, RAW_PORT.
# Output: the table on stdout and in $STACK_DIR/bench-search/results.txt.
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"

[[ -n ${STACK_DIR:-} && -n ${PG_PORT:-} && -n ${AMQP_PORT:-} ]] ||
  die "set STACK_DIR, PG_PORT and AMQP_PORT (and RABBIT_NODE) to the stack to run on (scripts/stack.sh up with the same variables)"
[[ $PG_PORT != 15492 && $AMQP_PORT != 5733 ]] || die "PG_PORT/AMQP_PORT are the shared benchmark stack's; use your own stack"
OURS_PORT="${OURS_PORT:-7121}" RAW_PORT="${RAW_PORT:-7122}"
for p in $OURS_PORT $RAW_PORT; do
  ((p < 7071 || p > 7074)) || die "port $p is a service's fixed port; choose OURS_PORT/RAW_PORT outside 7071-7074"
  port_open "$p" && die "port $p is taken"
done
DONATIONS="${BENCH_DONATIONS:-100000}" CAMPAIGNS="${BENCH_CAMPAIGNS:-20000}"
DURATION="${BENCH_DURATION:-10}" ROUNDS="${BENCH_ROUNDS:-3}" WARMUP="${BENCH_WARMUP:-5}"
CONNS="${BENCH_CONNS:-16}" THREADS="${BENCH_THREADS:-2}"
WORK="$STACK_DIR/bench-search"
LUA="$REPO/bench/http/bench.lua"
RAW_DLL="$REPO/bench/RawBaseline/bin/Release/net10.0/RawBaseline.dll"
mkdir -p "$WORK"
grep -q ': running' <<<"$("$REPO/scripts/stack.sh" status 2>/dev/null || true)" ||
  die "no stack runs in $STACK_DIR: start it first (scripts/stack.sh up with the same variables)"
ensure_packages wrk curl
eval "$("$REPO/scripts/stack.sh" env)"
use_development_environment
# The rig drives thousands of requests a minute as one user: far above the per-caller limits (the limiter stays on the path).
use_rig_rate_limits

declare -a STARTED=()
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
  log "building donation-service and bench/RawBaseline (Release)"
  dotnet build "$REPO/functions/DonationService" -c Release -v q -nologo -clp:ErrorsOnly >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; die "build failed"; }
  dotnet build "$REPO/bench/RawBaseline" -c Release -v q -nologo -clp:ErrorsOnly >>"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; die "RawBaseline build failed"; }
fi
OURS_DLL="$(service_dll DonationService)"
(cd "$(dirname "$OURS_DLL")" && dotnet "$OURS_DLL" migrate) >"$WORK/migrate.log" 2>&1 || { tail -n 30 "$WORK/migrate.log" >&2; die "migrate failed"; }
(cd "$(dirname "$(service_dll CampaignService)")" && dotnet "$(service_dll CampaignService)" migrate) >>"$WORK/migrate.log" 2>&1 ||
  { tail -n 30 "$WORK/migrate.log" >&2; die "campaign-service migrate failed"; }

export PGPASSWORD=postgres
psql_db() { /usr/lib/postgresql/15/bin/psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" "${@:2}"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# --- Seed -------------------------------------------------------------------------------------------
# A bench donor with DONATIONS available donations: titles and descriptions of words drawn with a
# skewed (Zipf-like) distribution from 2,000 words (word 1, chair, is in 63 % of the rows: a "very
# common word"), plus a few real words; 80 % have coordinates within about 150 km of Addis Ababa.
DONOR_ID=0190f3a2-5c4e-7b1a-9d2e-00000000b001 OWNER_ID=0190f3a2-5c4e-7b1a-9d2e-00000000b002
log "seeding $DONATIONS donations and $CAMPAIGNS campaigns"
psql_db main >/dev/null <<SQL
insert into donation.profiles (id, email, role) values ('$DONOR_ID', 'bench-search@example.com', 'donor') on conflict (id) do nothing;
delete from donation.donations where donor_id = '$DONOR_ID';
create temporary table words as
  select g as n, case g when 1 then 'chair' when 2 then 'table' when 3 then 'winter' when 4 then 'coat' when 5 then 'books' else 'w' || g end as word
    from generate_series(1, 2000) g;
create temporary table picks as
  select d, k, 1 + floor(2000 * power(random(), 3))::int as n from generate_series(1, $DONATIONS) d, generate_series(1, 12) k;
insert into donation.donations (id, donor_id, title, description, category, location, status, latitude, longitude, created_at, updated_at)
select gen_random_uuid(), '$DONOR_ID',
       string_agg(w.word, ' ' order by p.k) filter (where p.k <= 4),
       string_agg(w.word, ' ' order by p.k) filter (where p.k > 4),
       'books', 'Addis Ababa', 'available',
       case when p.d % 5 <> 0 then 9.03 + (random() - 0.5) * 2.7 end,
       case when p.d % 5 <> 0 then 38.74 + (random() - 0.5) * 2.7 end,
       now() - p.d * interval '10 seconds', now() - p.d * interval '10 seconds'
  from picks p join words w on w.n = p.n
 group by p.d;
vacuum analyze donation.donations;
SQL
psql_db campaign >/dev/null <<SQL
delete from campaign.campaigns where recipient_id = '$OWNER_ID';
insert into campaign.campaigns (id, recipient_id, title, description, category, goal_amount, collected_amount, contributor_count, status, ends_at, created_at, updated_at)
select gen_random_uuid(), '$OWNER_ID', 'Campaign w' || (1 + floor(2000 * power(random(), 3))::int) || ' w' || (1 + floor(2000 * power(random(), 3))::int),
       'For w' || (1 + floor(2000 * power(random(), 3))::int) || ' and w' || (1 + floor(2000 * power(random(), 3))::int),
       'community', 10000, 0, 0, 'active', case when g % 3 = 0 then now() + (g % 300) * interval '1 day' end,
       now() - g * interval '1 minute', now() - g * interval '1 minute'
  from generate_series(1, $CAMPAIGNS) g;
vacuum analyze campaign.campaigns;
SQL
log "seeded: $(psql_db main -c "select count(*) from donation.donations where donor_id = '$DONOR_ID'") donations, $(psql_db campaign -c "select count(*) from campaign.campaigns where recipient_id = '$OWNER_ID'") campaigns"

# The q values a request draws from: rare, middling and common words, two words, an OR, an exclusion.
# (bench.lua substitutes with Lua's gsub, so no '%' here: '+' is a space in a query string.)
printf '%s\n' w1500 w1900 w700 w300 w120 w40 w10 w2 chair "winter+coat" "w5+w9" "w800+or+w900" "table+-w2" >"$WORK/q.txt"
# near points: random within the seeded area.
awk 'BEGIN { srand(7); for (i = 0; i < 200; i++) printf "%.4f,%.4f\n", 9.03 + (rand() - 0.5) * 2.7, 38.74 + (rand() - 0.5) * 2.7 }' >"$WORK/near.txt"

# --- The apps ---------------------------------------------------------------------------------------
start_dll() { # start_dll DLL PORT LOGNAME [ARGS...]
  local dll=$1 port=$2 name=$3
  shift 3
  (cd "$(dirname "$dll")" && exec dotnet "$dll" "$@" --urls "http://127.0.0.1:$port") >"$WORK/$name.log" 2>&1 &
  STARTED+=("$!")
  local deadline=$((SECONDS + 60))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/api/health" || true)" == 200 ]]; do
    ((SECONDS < deadline)) || { tail -n 30 "$WORK/$name.log" >&2; die "$name did not become healthy"; }
    sleep 0.2
  done
}
start_dll "$OURS_DLL" "$OURS_PORT" ours --standalone
start_dll "$RAW_DLL" "$RAW_PORT" raw
TOKEN="$(TOKEN_TTL=7200 "$REPO/scripts/mint-token.sh" "$DONOR_ID" bench-search@example.com)"

declare -A PATHS=(
  [q]="/donations?status=available&q={id}&limit=20"
  [relevance]="/donations?status=available&q={id}&sort=relevance&limit=20"
  [near]="/donations?status=available&near={id}&radius_km=10&sort=distance&limit=20"
)
declare -A IDS=([q]="$WORK/q.txt" [relevance]="$WORK/q.txt" [near]="$WORK/near.txt")
SCENARIO_ORDER=(q relevance near)
path_of() { # path_of SCENARIO WHO
  local p="${PATHS[$1]}"
  [[ $2 == raw ]] && p="${p/\/donations\?/\/donations\/search?}"
  echo "$p"
}
run_wrk() { # run_wrk SCENARIO WHO SECONDS RATE : prints the RESULT line
  local port=$OURS_PORT prefix=/api
  [[ $2 == raw ]] && port=$RAW_PORT prefix=/raw
  BENCH_METHOD=GET BENCH_PATH="$(path_of "$1" "$2")" BENCH_PREFIX="$prefix" BENCH_TOKEN="$TOKEN" BENCH_IDS="${IDS[$1]}" \
    BENCH_SEED="$((RANDOM * 32768 + RANDOM))" BENCH_RATE="$4" BENCH_CONNS="$CONNS" BENCH_THREADS="$THREADS" \
    wrk -t"$THREADS" -c"$CONNS" -d"${3}s" --timeout 5s -s "$LUA" "http://127.0.0.1:$port" >"$WORK/wrk.out" 2>&1 ||
    { cat "$WORK/wrk.out" >&2; die "wrk failed"; }
  grep '^RESULT' "$WORK/wrk.out" || { cat "$WORK/wrk.out" >&2; die "no RESULT from wrk"; }
}

# Sanity: both answer 200 with the same rows for one request of each scenario.
for s in "${SCENARIO_ORDER[@]}"; do
  id="$(head -n 1 "${IDS[$s]}")"
  ours="$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$OURS_PORT/api$(path_of "$s" ours | sed "s/{id}/$id/")" | grep -o '"id":"[^"]*"' | head -20 | tr -d '\n')"
  raw="$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$RAW_PORT/raw$(path_of "$s" raw | sed "s/{id}/$id/")" | grep -o '"id":"[^"]*"' | head -20 | tr -d '\n')"
  [[ -n $ours && $ours == "$raw" ]] || die "$s: ours and raw answer different rows (ours: ${ours:0:200}; raw: ${raw:0:200})"
done

declare -A SAT=() P50=() P99=() RATE=() BAD=()
for s in "${SCENARIO_ORDER[@]}"; do
  log "$s: warm-up"
  run_wrk "$s" ours "$WARMUP" 0 >/dev/null
  run_wrk "$s" raw "$WARMUP" 0 >/dev/null
  declare -A sat=([ours]="" [raw]="") bad=([ours]=0 [raw]=0)
  for ((r = 1; r <= ROUNDS; r++)); do
    order=(ours raw)
    ((r % 2 == 0)) && order=(raw ours)
    for who in "${order[@]}"; do
      R="$(run_wrk "$s" "$who" "$DURATION" 0)"
      sat[$who]+="$(field rps "$R") "
      bad[$who]=$((bad[$who] + $(field non2xx "$R") + $(field errors "$R")))
    done
  done
  for who in ours raw; do SAT[$s.$who]="$(tr ' ' '\n' <<<"${sat[$who]}" | grep . | median)"; done
  declare -A p50=([ours]="" [raw]="") p99=([ours]="" [raw]="") rate=([ours]="" [raw]="")
  for ((r = 1; r <= ROUNDS; r++)); do
    order=(ours raw)
    ((r % 2 == 0)) && order=(raw ours)
    for who in "${order[@]}"; do
      R="$(run_wrk "$s" "$who" "$DURATION" "$(awk -v x="${SAT[$s.$who]}" 'BEGIN { printf "%d", x / 2 }')")"
      p50[$who]+="$(field p50 "$R") " p99[$who]+="$(field p99 "$R") " rate[$who]+="$(field rps "$R") "
      bad[$who]=$((bad[$who] + $(field non2xx "$R") + $(field errors "$R")))
    done
  done
  for who in ours raw; do
    P50[$s.$who]="$(tr ' ' '\n' <<<"${p50[$who]}" | grep . | median)"
    P99[$s.$who]="$(tr ' ' '\n' <<<"${p99[$who]}" | grep . | median)"
    RATE[$s.$who]="$(tr ' ' '\n' <<<"${rate[$who]}" | grep . | median)"
    BAD[$s.$who]="${bad[$who]}"
  done
  log "$s: ours ${SAT[$s.ours]} req/s, raw ${SAT[$s.raw]} req/s"
done

# --- The worst q: each timed alone (median of 5) against the service --------------------------------
# chair is the seeded data's most common word (63 % of the rows), w1500 a rare one (0.2 %).
worst=(
  "q=chair" "q=chair&sort=relevance" "q=chair%20table%20winter%20coat%20books%20w6%20w7%20w8%20w9%20w10%20w11%20w12&sort=relevance"
  "q=chair%20or%20table%20or%20winter%20or%20coat%20or%20books%20or%20$(printf 'w%d%%20or%%20' $(seq 6 11))w12&sort=relevance"
  "q=chair%20or%20table%20or%20winter%20or%20coat%20or%20books%20or%20$(printf 'w%d%%20or%%20' $(seq 6 11))w12"
  "q=chair%20-table" "q=%22chair%20table%22" "q=chair*%20table*" "q=zzzznothing"
  "near=9.03,38.74&radius_km=200&sort=distance" "q=chair&near=9.03,38.74&radius_km=200&sort=distance"
  "q=w1500&near=9.03,38.74&radius_km=200&sort=distance" "q=zzzznothing&near=9.03,38.74&radius_km=200&sort=distance"
  "q=chair&near=9.03,38.74&radius_km=1&sort=distance"
)
worst_ms() { # worst_ms BASE QUERY : median ms of 5 sequential requests
  local t=()
  for _ in 1 2 3 4 5; do
    t+=("$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$1&$2" |
      awk '$1 != 200 { print "ERR" $1; exit } { printf "%.1f", $2 * 1000 }')")
  done
  printf '%s\n' "${t[@]}" | median
}
declare -A WORST=()
for q in "${worst[@]}"; do
  WORST[$q]="$(worst_ms "http://127.0.0.1:$OURS_PORT/api/donations?status=available&limit=20" "$q")"
done
# CampaignService is not started by this script: the campaign figures come from EXPLAIN ANALYZE of its SQL instead.
campaign_ms() { # campaign_ms SQL : execution ms of EXPLAIN ANALYZE (never fails the run)
  { psql_db campaign -c "explain (analyze, format json) $1" || true; } | sed -n 's/.*"Execution Time": \([0-9.]*\).*/\1/p' | head -n 1
}
C="select id, created_at from campaign.campaigns where deleted_at is null and status = 'active'"

{
  echo "search benchmark (issue 17): $(psql_db main -c "select count(*) from donation.donations where deleted_at is null") donations, $CAMPAIGNS campaigns; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk -t$THREADS -c$CONNS, ${ROUNDS} interleaved rounds of ${DURATION}s per app and scenario (saturation), then ${ROUNDS} at half each app's rate (p50/p99)"
  printf '%-10s %10s %10s %8s | %9s %9s %9s %9s | %s\n' scenario ours_rps raw_rps ours/raw ours_p50 ours_p99 raw_p50 raw_p99 "non-2xx+errors (ours/raw)"
  for s in "${SCENARIO_ORDER[@]}"; do
    printf '%-10s %10.0f %10.0f %8.2f | %9s %9s %9s %9s | %s/%s\n' "$s" "${SAT[$s.ours]}" "${SAT[$s.raw]}" \
      "$(awk -v a="${SAT[$s.ours]}" -v b="${SAT[$s.raw]}" 'BEGIN { print (b > 0) ? a / b : 0 }')" \
      "${P50[$s.ours]}" "${P99[$s.ours]}" "${P50[$s.raw]}" "${P99[$s.raw]}" "${BAD[$s.ours]}" "${BAD[$s.raw]}"
  done
  echo
  echo "worst queries, donation-service (ms, median of 5 sequential requests, HTTP included; ERR<code> = refused):"
  for q in "${worst[@]}"; do printf '  %-70s %s\n' "${q:0:70}" "${WORST[$q]}"; done
  echo "campaign SQL (EXPLAIN ANALYZE execution ms, $CAMPAIGNS campaigns):"
  printf '  %-50s %s\n' "q=chair newest" "$(campaign_ms "$C and search @@ websearch_to_tsquery('simple', 'chair') order by created_at desc, id desc limit 21")"
  printf '  %-50s %s\n' "q=chair relevance (1,000 newest matches ranked)" \
    "$(campaign_ms "select * from (select id, ts_rank(search, websearch_to_tsquery('simple', 'chair'))::float8 as sort_key from campaign.campaigns where deleted_at is null and status = 'active' and search @@ websearch_to_tsquery('simple', 'chair') order by created_at desc, id desc limit 1000) c order by sort_key desc, id desc limit 21")"
  printf '  %-50s %s\n' "ending_soon" "$(campaign_ms "$C order by coalesce(ends_at, 'infinity'::timestamptz), id limit 21")"
  printf '  %-50s %s\n' "most_funded" "$(campaign_ms "$C order by (collected_amount / goal_amount)::float8 desc, id desc limit 21")"
} | tee "$WORK/results.txt"
