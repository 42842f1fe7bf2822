#!/usr/bin/env bash
# Admin dashboards (issue 17, item 8): GET /api/admin/stats of donation-, request-, campaign- and
# messaging-service on ROWS seeded rows per table (profiles, donations, requests, ratings of the
# completed ones, campaigns, contributions, messages, reports), per-call latency p50/p99 over HTTP, beside the same SQL run raw (one psql
# session, \timing, the statements of one call summed per iteration).
#
# It runs on the stack the environment names, never on another's: STACK_DIR, PG_PORT and AMQP_PORT
# must be set (the fixed ports of the other benches, 15492/5733, are refused), and STATS_PORT, the
# first of four ports for the services (7071-7074, the services' usual ports, are refused). The
# stack is started if it is not up (scripts/stack.sh up). The data goes to databases of its own
# (stats_main, stats_campaign, dropped at the end) and the services to a RabbitMQ vhost of its own,
# so tests running on the same stack are not disturbed.
# Usage: STACK_DIR=... PG_PORT=... AMQP_PORT=... STATS_PORT=... bench/admin-stats.sh [rows=100000] [calls=200]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"
ROWS="${1:-100000}" CALLS="${2:-200}"
[[ -n ${STACK_DIR:-} && -n ${PG_PORT:-} && -n ${AMQP_PORT:-} && -n ${STATS_PORT:-} ]] ||
  die "set STACK_DIR, PG_PORT, AMQP_PORT (your stack) and STATS_PORT (the first of four free ports for the services)"
[[ $PG_PORT != 15492 && $AMQP_PORT != 5733 ]] || die "15492/5733 are the fixed ports of the other benches: use your own stack"
for p in "$STATS_PORT" $((STATS_PORT + 1)) $((STATS_PORT + 2)) $((STATS_PORT + 3)); do
  ((p < 7071 || p > 7074)) || die "STATS_PORT: 7071-7074 are the services' usual ports"
  port_open "$p" && die "port $p is taken"
done
[[ $ROWS =~ ^[0-9]+$ && $CALLS =~ ^[0-9]+$ ]] && ((ROWS >= 100 && CALLS >= 10)) || die "usage: bench/admin-stats.sh [rows>=100] [calls>=10]"

scripts/stack.sh status >/dev/null || scripts/stack.sh up
eval "$(scripts/stack.sh env)"
scripts/stack.sh rabbit-vhosts stats 1
use_development_environment
LOG_DIR="$STACK_DIR/bench-admin-stats"
mkdir -p "$LOG_DIR"
export PGPASSWORD=postgres
psql_db() { /usr/lib/postgresql/15/bin/psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" "${@:2}"; }
STARTED=()
cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true; done
  psql_db postgres -c "drop database if exists stats_main with (force)" -c "drop database if exists stats_campaign with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "databases stats_main and stats_campaign, migrated"
for db in stats_main stats_campaign; do
  psql_db postgres -c "drop database if exists $db with (force)" -c "create database $db" >/dev/null
  psql_db "$db" -f scripts/sql/supabase-local.sql >/dev/null
done
MAIN="Host=127.0.0.1;Port=$PG_PORT;Database=stats_main;Username=postgres;Password=postgres"
CAMPAIGN="Host=127.0.0.1;Port=$PG_PORT;Database=stats_campaign;Username=postgres;Password=postgres"
export DonationDbConnection="$MAIN" RequestDbConnection="$MAIN" MessagingDbConnection="$MAIN" CampaignDbConnection="$CAMPAIGN"
export RabbitMQConnection="amqp://guest:guest@127.0.0.1:$AMQP_PORT/stats-1"
for svc in DonationService RequestService CampaignService MessagingService; do
  dll="$(service_dll "$svc")"
  [[ -f $dll ]] || die "$dll not found: build it first (dotnet build Functions.sln -c Release)"
  (cd "$(dirname "$dll")" && dotnet "$dll" migrate >"$LOG_DIR/$svc-migrate.log" 2>&1) || { cat "$LOG_DIR/$svc-migrate.log" >&2; die "migrating $svc failed"; }
done

log "seeding $ROWS rows in each table (created over the last 365 days)"
psql_db stats_main >/dev/null <<SQL
insert into donation.profiles (id, email, role, recipient_status, blocked, blocked_at, created_at)
select gen_random_uuid(), 'u' || i || '@bench.local', (array['donor', 'recipient', 'recipient', 'admin'])[1 + i % 4],
       (array['none', 'none', 'requested', 'approved', 'rejected'])[1 + i % 5], i % 97 = 0, case when i % 97 = 0 then now() end,
       now() - (i % 365) * interval '1 day' - (i % 1440) * interval '1 minute'
  from generate_series(1, $ROWS) i;
insert into donation.donations (id, donor_id, title, category, status, created_at, deleted_at)
select gen_random_uuid(), p.id, 'Item ' || p.n, 'books',
       (array['pending', 'available', 'available', 'claimed', 'completed', 'rejected', 'expired'])[1 + p.n % 7], p.created_at,
       case when p.n % 50 = 0 then now() end
  from (select id, created_at, row_number() over () as n from donation.profiles) p;
insert into messaging.messages (id, sender_id, receiver_id, content, created_at)
select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'Hello ' || i, now() - (i % 365) * interval '1 day'
  from generate_series(1, $ROWS) i;
insert into messaging.reports (id, reporter_id, target_type, target_id, subject_user_id, reason, status, action, resolved_by, resolved_at, created_at)
select gen_random_uuid(), gen_random_uuid(), (array['donation', 'campaign', 'message'])[1 + i % 3], gen_random_uuid(), null, 'spam',
       case when i % 10 = 0 then 'open' else 'reviewed' end, case when i % 10 = 0 then null else 'none' end,
       case when i % 10 = 0 then null else gen_random_uuid() end, case when i % 10 = 0 then null else now() end,
       now() - (i % 365) * interval '1 day'
  from generate_series(1, $ROWS) i;
insert into request.requests (id, donation_id, donor_id, recipient_id, status, created_at, updated_at)
select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
       (array['pending', 'approving', 'approved', 'rejected', 'cancelled', 'completed'])[1 + i % 6],
       now() - (i % 365) * interval '1 day', now() - (i % 365) * interval '1 day'
  from generate_series(1, $ROWS) i;
insert into request.ratings (id, request_id, donor_id, recipient_id, rating, created_at)
select gen_random_uuid(), id, donor_id, recipient_id, 1 + (extract(epoch from created_at)::bigint % 5), created_at
  from request.requests where status = 'completed';
vacuum analyze donation.profiles, donation.donations, request.requests, request.ratings, messaging.messages, messaging.reports;
SQL
psql_db stats_campaign >/dev/null <<SQL
insert into campaign.campaigns (id, recipient_id, title, category, goal_amount, status, currency, created_at)
select gen_random_uuid(), gen_random_uuid(), 'Campaign ' || i, 'education', 1000,
       (array['pending', 'active', 'active', 'paused', 'rejected'])[1 + i % 5], (array['usd', 'eur', 'gbp', 'kes'])[1 + i % 4],
       now() - (i % 365) * interval '1 day'
  from generate_series(1, $ROWS / 10) i;
insert into campaign.contributions (id, campaign_id, contributor_id, amount, currency, minor_unit_digits, amount_minor, provider, status, confirmed_at, created_at)
select gen_random_uuid(), c.ids[1 + i % c.n], gen_random_uuid(), 1 + (i % 500) + 0.25, c.currencies[1 + i % c.n], 2, (1 + (i % 500)) * 100 + 25, 'development',
       (array['confirmed', 'confirmed', 'confirmed', 'pending', 'cancelled', 'refunded'])[1 + i % 6],
       case when i % 6 in (3, 4) then null else now() end, now() - (i % 365) * interval '1 day'
  from generate_series(1, $ROWS) i,
       (select array_agg(id order by id) as ids, array_agg(currency order by id) as currencies, count(*)::int as n from campaign.campaigns) c;
vacuum analyze campaign.campaigns, campaign.contributions;
SQL

# The same SQL as the services' stores (functions/<Service>/Stats/StatsStore.cs), @since as a literal.
SINCE="(date_trunc('day', now() at time zone 'UTC') - interval '29 days') at time zone 'UTC'"
DONATION_SQL="select status, count(*) from donation.donations where deleted_at is null group by status;
select count(*) from donation.profiles where recipient_status = 'requested';
select role, count(*) from donation.profiles group by role;
select count(*) from donation.profiles where blocked;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from donation.profiles where created_at >= $SINCE group by 1;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from donation.donations where deleted_at is null and created_at >= $SINCE group by 1;"
CAMPAIGN_SQL="select status, count(*) from campaign.campaigns where deleted_at is null group by status;
select status, count(*) from campaign.contributions group by status;
select currency, sum(amount) as amount, count(*) as contributions from campaign.contributions where status = 'confirmed' group by currency order by currency;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from campaign.campaigns where deleted_at is null and created_at >= $SINCE group by 1;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) as contributions, count(*) filter (where status = 'confirmed') as confirmed from campaign.contributions where created_at >= $SINCE group by 1;"
REQUEST_SQL="select status, count(*) from request.requests group by status;
select count(*) from request.requests where status = 'approving' and updated_at < now() - interval '15 minutes';
select count(*) as count, round(avg(rating), 2) as average from request.ratings;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from request.requests where created_at >= $SINCE group by 1;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from request.ratings where created_at >= $SINCE group by 1;"
MESSAGING_SQL="select status, count(*) from messaging.reports group by status;
select target_type, count(*) from messaging.reports where status = 'open' group by target_type;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from messaging.messages where created_at >= $SINCE group by 1;
select date_trunc('day', created_at at time zone 'UTC') as day, count(*) from messaging.reports where created_at >= $SINCE group by 1;"

percentiles() { # stdin: one figure in ms per line; prints "p50 p99"
  sort -n | awk '{ a[NR] = $1 } END { i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.2f %.2f\n", a[i50], a[i99] }'
}
raw_ms() { # raw_ms DB SQL: CALLS iterations of SQL in one session; per iteration the sum of its statements' times
  local db=$1 sql=$2 statements script i
  statements="$(grep -c ';' <<<"$sql")"
  script="\\timing on"$'\n'
  for ((i = 0; i < CALLS + 20; i++)); do script+="$sql"$'\n'; done
  psql_db "$db" -o /dev/null <<<"$script" | awk '/^Time:/ { print $2 }' |
    awk -v n="$statements" -v skip=$((20 * statements)) 'NR > skip { s += $1; if ((NR - skip) % n == 0) { print s; s = 0 } }'
}
http_ms() { # http_ms PORT: CALLS calls (after 20 warm-up) on one keep-alive connection, the time of each
  local url="http://127.0.0.1:$1/api/admin/stats" urls=() i
  for ((i = 0; i < CALLS + 20; i++)); do urls+=(-o /dev/null "$url"); done
  curl -s -H "Authorization: Bearer $ADMIN_TOKEN" -w '%{http_code} %{time_total}\n' "${urls[@]}" |
    awk 'NR > 20 { if ($1 != 200) { print "HTTP " $1 > "/dev/stderr"; exit 1 } printf "%.3f\n", $2 * 1000 }'
}
wait_healthy() { # wait_healthy PORT PID
  local i
  for ((i = 0; i < 600; i++)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/api/health" || true)" == 200 ]] && return 0
    proc_alive "$2" || return 1
    sleep 0.1
  done
  return 1
}

ADMIN_TOKEN="$(scripts/mint-token.sh "$(cat /proc/sys/kernel/random/uuid)" admin@bench.local admin 2>/dev/null)"
RESULTS=()
port=$STATS_PORT
for svc in DonationService RequestService CampaignService MessagingService; do
  dll="$(service_dll "$svc")"
  (use_service_broker "$svc" && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$port") >"$LOG_DIR/$svc.log" 2>&1 &
  pid=$!
  STARTED+=("$pid")
  wait_healthy "$port" "$pid" || { tail -n 30 "$LOG_DIR/$svc.log" >&2; die "$svc did not become healthy on port $port"; }
  case $svc in
    DonationService) db=stats_main sql=$DONATION_SQL ;;
    RequestService) db=stats_main sql=$REQUEST_SQL ;;
    CampaignService) db=stats_campaign sql=$CAMPAIGN_SQL ;;
    MessagingService) db=stats_main sql=$MESSAGING_SQL ;;
  esac
  read -r ours50 ours99 < <(http_ms "$port" | percentiles)
  read -r raw50 raw99 < <(raw_ms "$db" "$sql" | percentiles)
  RESULTS+=("$(printf '| %s | %s | %s | %s | %s | %s |' "$svc" "$(grep -c ';' <<<"$sql")" "$ours50" "$ours99" "$raw50" "$raw99")")
  port=$((port + 1))
done

echo
echo "GET /api/admin/stats on $ROWS rows per table ($((ROWS / 10)) campaigns), $CALLS calls each after 20 warm-up; $(nproc) cores"
echo "| service | queries | HTTP p50 ms | HTTP p99 ms | raw SQL p50 ms | raw SQL p99 ms |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
