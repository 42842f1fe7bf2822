#!/usr/bin/env bash
# GET /api/conversations with many partners (issue 18, point 4): one user with PARTNERS conversation
# partners (3 messages each, one unread) and one with 10, beside 100,000 messages of other users. Prints
# p50/p99 of the first page (limit 20) for each user: over HTTP (messaging-service standalone, this
# build), and as raw SQL for the query before issue 18 (every partner's last message computed, then
# LIMIT) and the query now (a range of messaging.conversations, kept by triggers on messages).
#
# It runs on the stack the environment names, never on another's: STACK_DIR, PG_PORT and AMQP_PORT
# must be set (the fixed ports of the other benches, 15492/5733, are refused), and CONV_PORT, a free
# port for the service (7071-7074 are refused). The data goes to a database of its own (conv_main,
# dropped at the end) and the service to a RabbitMQ vhost of its own.
# Usage: STACK_DIR=... PG_PORT=... AMQP_PORT=... CONV_PORT=... bench/conversations.sh [partners=10000] [calls=200]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"
PARTNERS="${1:-10000}" CALLS="${2:-200}"
[[ -n ${STACK_DIR:-} && -n ${PG_PORT:-} && -n ${AMQP_PORT:-} && -n ${CONV_PORT:-} ]] ||
  die "set STACK_DIR, PG_PORT, AMQP_PORT (your stack) and CONV_PORT (a free port for messaging-service)"
[[ $PG_PORT != 15492 && $AMQP_PORT != 5733 ]] || die "15492/5733 are the fixed ports of the other benches: use your own stack"
((CONV_PORT < 7071 || CONV_PORT > 7074)) || die "CONV_PORT: 7071-7074 are the services' usual ports"
port_open "$CONV_PORT" && die "port $CONV_PORT is taken"
[[ $PARTNERS =~ ^[0-9]+$ && $CALLS =~ ^[0-9]+$ ]] && ((PARTNERS >= 10 && CALLS >= 10)) || die "usage: bench/conversations.sh [partners>=10] [calls>=10]"

scripts/stack.sh status >/dev/null || scripts/stack.sh up
eval "$(scripts/stack.sh env)"
scripts/stack.sh rabbit-vhosts conv 1
use_development_environment
LOG_DIR="$STACK_DIR/bench-conversations"
mkdir -p "$LOG_DIR"
export PGPASSWORD=postgres
psql_db() { /usr/lib/postgresql/15/bin/psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" "${@:2}"; }
SERVICE_PID=
cleanup() {
  if [[ -n $SERVICE_PID ]]; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait_gone "$SERVICE_PID" 10 || kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
  psql_db postgres -c "drop database if exists conv_main with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "database conv_main, migrated"
psql_db postgres -c "drop database if exists conv_main with (force)" -c "create database conv_main" >/dev/null
psql_db conv_main -f scripts/sql/supabase-local.sql >/dev/null
export MessagingDbConnection="Host=127.0.0.1;Port=$PG_PORT;Database=conv_main;Username=postgres;Password=postgres"
export RabbitMQConnection="amqp://guest:guest@127.0.0.1:$AMQP_PORT/conv-1"
dll="$(service_dll MessagingService)"
[[ -f $dll ]] || die "$dll not found: build it first (dotnet build functions/MessagingService -c Release)"
(cd "$(dirname "$dll")" && dotnet "$dll" migrate >"$LOG_DIR/migrate.log" 2>&1) || { cat "$LOG_DIR/migrate.log" >&2; die "migrating failed"; }

BUSY="$(cat /proc/sys/kernel/random/uuid)" QUIET="$(cat /proc/sys/kernel/random/uuid)"
log "seeding: $PARTNERS partners x 3 messages for one user, 10 partners for another, 100,000 other messages"
psql_db conv_main >/dev/null <<SQL
insert into messaging.messages (id, sender_id, receiver_id, content, read_at, created_at)
select gen_random_uuid(), case when k = 1 then p.id else u.me end, case when k = 1 then u.me else p.id end, 'Hello ' || p.n || '/' || k,
       case when k = 1 then null else now() end, now() - (p.n * 3 + k) * interval '1 minute'
  from (values ('$BUSY'::uuid, $PARTNERS), ('$QUIET'::uuid, 10)) u(me, partners)
  cross join lateral (select gen_random_uuid() as id, n from generate_series(1, u.partners) n) p
  cross join generate_series(1, 3) k;
insert into messaging.messages (id, sender_id, receiver_id, content, created_at)
select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'Noise ' || i, now() - i * interval '1 second'
  from generate_series(1, 100000) i;
vacuum analyze messaging.messages, messaging.conversations;
SQL

# The list's SQL before issue 18 (MessageStore.ListConversationsAsync at 3e21b9a) and now.
old_sql() { cat <<SQL
with partners as (
    select receiver_id as partner_id from messaging.messages where sender_id = '$1'
    union
    select sender_id from messaging.messages where receiver_id = '$1')
select p.partner_id, m.id, m.content, m.created_at,
       (select count(*) from messaging.messages u where u.receiver_id = '$1' and u.sender_id = p.partner_id and u.read_at is null) as unread_count
  from partners p
  cross join lateral (
        select l.id, l.content, l.created_at from messaging.messages l
         where least(l.sender_id, l.receiver_id) = least('$1'::uuid, p.partner_id)
           and greatest(l.sender_id, l.receiver_id) = greatest('$1'::uuid, p.partner_id)
         order by l.created_at desc, l.id desc limit 1) m
 order by m.created_at desc, m.id desc limit 21;
SQL
}
new_sql() { cat <<SQL
select c.partner_id, c.unread_count, m.id, m.content, m.created_at
  from messaging.conversations c join messaging.messages m on m.id = c.last_message_id
 where c.user_id = '$1' order by c.last_at desc, c.last_message_id desc limit 21;
SQL
}

percentiles() { # stdin: one figure in ms per line; prints "p50 p99"
  sort -n | awk '{ a[NR] = $1 } END { i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.2f %.2f\n", a[i50], a[i99] }'
}
raw_ms() { # raw_ms SQL: CALLS runs (after 20 warm-up) in one session, the time of each
  local script="\\timing on"$'\n' i
  for ((i = 0; i < CALLS + 20; i++)); do script+="$1"$'\n'; done
  psql_db conv_main -o /dev/null <<<"$script" | awk '/^Time:/ { print $2 }' | tail -n "$CALLS"
}
http_ms() { # http_ms TOKEN: CALLS calls (after 20 warm-up) on one keep-alive connection, the time of each
  local url="http://127.0.0.1:$CONV_PORT/api/conversations?limit=20" urls=() i
  for ((i = 0; i < CALLS + 20; i++)); do urls+=(-o /dev/null "$url"); done
  curl -s -H "Authorization: Bearer $1" -w '%{http_code} %{time_total}\n' "${urls[@]}" |
    awk 'NR > 20 { if ($1 != 200) { print "HTTP " $1 > "/dev/stderr"; exit 1 } printf "%.3f\n", $2 * 1000 }'
}

use_rig_rate_limits
(cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$CONV_PORT") >"$LOG_DIR/service.log" 2>&1 &
SERVICE_PID=$!
for ((i = 0; i < 600; i++)); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$CONV_PORT/api/health" || true)" == 200 ]] && break
  proc_alive "$SERVICE_PID" || { tail -n 30 "$LOG_DIR/service.log" >&2; die "messaging-service did not start"; }
  sleep 0.1
done

echo
echo "GET /api/conversations?limit=20 (first page), $CALLS calls each after 20 warm-up; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| user | partners | before: raw SQL p50 / p99 ms | now: raw SQL p50 / p99 ms | now: HTTP p50 / p99 ms |"
echo "|---|---|---|---|---|"
for who in QUIET BUSY; do
  id="${!who}" partners=$([[ $who == BUSY ]] && echo "$PARTNERS" || echo 10)
  token="$(scripts/mint-token.sh "$id" "$who@bench.local" 2>/dev/null)"
  read -r old50 old99 < <(raw_ms "$(old_sql "$id")" | percentiles)
  read -r new50 new99 < <(raw_ms "$(new_sql "$id")" | percentiles)
  read -r http50 http99 < <(http_ms "$token" | percentiles)
  printf '| %s | %s | %s / %s | %s / %s | %s / %s |\n' "$who" "$partners" "$old50" "$old99" "$new50" "$new99" "$http50" "$http99"
done
echo
echo "The plan now (the busy user):"
psql_db conv_main -c "explain (analyze, costs off, timing off, summary off) $(new_sql "$BUSY")" | sed 's/^/    /'
