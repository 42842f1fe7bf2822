#!/usr/bin/env bash
# HTTP benchmark (issue 8, items 1-2): each of the four services against a raw ASP.NET Core + Npgsql
# baseline (bench/RawBaseline) running the same SQL, in the same run on the same machine, plus
# start-to-ready time and resident memory of the services. Starts its own private stack (durable
# PostgreSQL: PG_FAST=0), builds Release, migrates, seeds, warms up, measures and prints a table.
# Prints figures; never fails on speed.
#
# Per service three scenarios (routes in SCENARIOS below): get (one resource), list (a filtered
# keyset page) and create (the change plus a CloudEvents outbox row in one transaction).
# Services run one at a time; within a service:
#   Reads (get, list): the platform app ("ours", OURS_PORT) and the raw app (RAW_PORT) run side by
#   side and their measurements interleave, so that slow drift of the (shared, noisy) host falls on
#   both alike instead of on whichever was measured minutes later. Only one is under load at any
#   moment; the other idles (ours still sweeps its outbox once a second, raw does nothing). Both are
#   warmed up (WARMUP/3 seconds on each read scenario, ours and raw in turn). Then, per scenario,
#   BENCH_ROUNDS rounds of saturation (BENCH_DURATION seconds each; round 1 ours then raw, round 2
#   raw then ours, and so on) give each app's figure as the median of its rounds; then as many
#   interleaved rounds at a fixed rate, each app at half its own median saturation rate, give its
#   p50, p99 and achieved rate as medians over the rounds. Non-2xx answers and socket errors are
#   summed over all rounds. (Defaults: 3 rounds of 10 s, so 30 s of saturation per app and
#   scenario, where earlier versions took a single 15 s run of each app, minutes apart.)
#   Creates: one app at a time, as before, because the service's outbox relay would publish the
#   raw app's outbox rows (same table) if both ran: after the reads the raw app is stopped; ours is
#   warmed up on create (WARMUP/3 s) and measured alone (one saturation run and one fixed-rate run at
#   half of it, BENCH_DURATION seconds each), then stopped; then the raw app is started again and
#   does the same alone. These two figures are still minutes apart, so a create ratio stays as
#   noisy as before.
#   Memory: idle RSS right after each app is ready; peak RSS sampled every 0.5 s from then until the
#   app stops (warm-ups and measurements; for raw, the max over its two processes).
#   request-service also has donation-service running on AUX_PORT (it calls it on every create).
#
# Every run starts from a fresh stack (the data of the previous run is deleted first), so that the
# rows earlier runs created do not make runs incomparable.
#
# Usage: bench/http/run.sh
# Settings: BENCH_SERVICES (subset of "donation request campaign messaging", default all four;
#   also DonationService etc.), BENCH_WARMUP (seconds of load per app before measuring, split over
#   its three scenarios, default 30), BENCH_DURATION (seconds per measurement, i.e. per round of a
#   read scenario and per run of a create, default 10), BENCH_ROUNDS (rounds per app and read
#   scenario, default 3), BENCH_CONNS (wrk connections, 32), BENCH_THREADS (wrk threads, 2),
#   BENCH_USERS (users the creates of donations and requests take in turn, 64), STARTUP_RUNS (3;
#   0 skips the start-to-ready measurement), PG_PORT (15492), AMQP_PORT (5733).
# Output: the table on stdout and in .stack/bench-http/bench/results.txt; the same figures
#   machine-readable next to it: results.tsv (a row per service and scenario), memory.tsv,
#   startup.tsv and meta.tsv (tab-separated, with a header line); results.tsv's last two columns
#   list each app's saturation req/s per round (one value for create).
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$REPO"

export STACK_DIR="$REPO/.stack/bench-http" PG_PORT="${PG_PORT:-15492}" AMQP_PORT="${AMQP_PORT:-5733}"
export RABBIT_NODE="${RABBIT_NODE:-benchhttp@localhost}" PG_FAST=0
WARMUP="${BENCH_WARMUP:-30}" DURATION="${BENCH_DURATION:-10}" ROUNDS="${BENCH_ROUNDS:-3}" CONNS="${BENCH_CONNS:-32}" THREADS="${BENCH_THREADS:-2}"
STARTUP_RUNS="${STARTUP_RUNS:-3}" USERS="${BENCH_USERS:-64}"
# OURS_PORT: the service measured; RAW_PORT: the raw baseline; AUX_PORT: start-to-ready runs, and
# donation-service while request-service is measured (request-service calls it on every create).
OURS_PORT=18071 RAW_PORT=18081 AUX_PORT=18091
WORK="$STACK_DIR/bench"
LOG_DIR="$STACK_DIR/logs"
RAW_DLL="$REPO/bench/RawBaseline/bin/Release/net10.0/RawBaseline.dll"
LUA="$REPO/bench/http/bench.lua"
if grep -q ': running' <<<"$("$REPO/scripts/stack.sh" status 2>/dev/null || true)"; then
  die "the stack in $STACK_DIR runs already (another run of this script?); stop it first: STACK_DIR=$STACK_DIR scripts/stack.sh down"
fi
"$REPO/scripts/stack.sh" destroy >/dev/null 2>&1 || true
mkdir -p "$WORK" "$LOG_DIR"

# --- The services and their scenarios ----------------------------------------------------------------
ALL_SERVICES=(donation request campaign messaging)
MODES=(get list create)
READ_MODES=(get list)
declare -A SVC_NAME=([donation]=DonationService [request]=RequestService [campaign]=CampaignService [messaging]=MessagingService)
declare -A SVC_DB=([donation]=main [request]=main [campaign]=campaign [messaging]=main)
# Paths after /api (the service) or /raw (the baseline). In paths and bodies, {id} is an id drawn at
# random from the service's seeded ids (donations, requests, campaigns, conversation partners) and
# {next} the next unused donation of a pool (request-service answers 409 to a second request of the
# same recipient for the same donation); for the raw app, which checks no donation, a fresh UUID.
declare -A SCENARIOS=(
  [donation.get]="/donations/{id}"
  [donation.list]="/donations?status=available&limit=20"
  [donation.create]="/donations"
  [request.get]="/requests/{id}"
  [request.list]="/requests?role=mine&limit=20"
  [request.create]="/requests"
  [campaign.get]="/campaigns/{id}"
  [campaign.list]="/campaigns?status=active&limit=20"
  # The create a frontend calls most is a contribution: a campaign is created once, by one verified
  # recipient, and then receives contributions from many people until its goal is reached.
  [campaign.create]="/campaigns/{id}/contributions"
  # The API has no GET of one message, report or notification: the closest is one message of a
  # conversation (?with= a random partner, limit 1), a single-row read through the pair index.
  [messaging.get]="/messages?with={id}&limit=1"
  [messaging.list]="/notifications?unread=true&limit=20"
  [messaging.create]="/messages"
)
declare -A BODIES=(
  [donation.create]='{"title":"Winter coat","description":"Warm, size M, barely worn","category":"clothing","location":"Berlin"}'
  [request.create]='{"donation_id":"{next}","message":"We would love this for our flat; I can pick it up any evening."}'
  [campaign.create]='{"amount":5.00}'
  [messaging.create]='{"receiver_id":"{id}","content":"Hi! Is the winter coat still available? I could pick it up on Saturday morning."}'
)
method_of() { [[ $1 == create ]] && echo POST || echo GET; }

SERVICES=()
list="${BENCH_SERVICES:-${ALL_SERVICES[*]}}"
for s in ${list//,/ }; do
  s="${s,,}"
  s="${s%service}"
  s="${s%-}"
  [[ -n $s ]] || continue
  [[ -n ${SVC_NAME[$s]:-} ]] || die "BENCH_SERVICES: unknown service '$s' (one of: ${ALL_SERVICES[*]})"
  SERVICES+=("$s")
done
# Always in the same order, each once.
mapfile -t SERVICES < <(for s in "${ALL_SERVICES[@]}"; do [[ " ${SERVICES[*]} " == *" $s "* ]] && echo "$s"; done)
((${#SERVICES[@]} > 0)) || die "BENCH_SERVICES names no service"

declare -a STARTED=()
declare -A SAMPLER_OF=() # WHO -> pid of the sampler of its peak RSS
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${SAMPLER_OF[@]}"; do [[ -z $pid ]] || kill "$pid" 2>/dev/null || true; done
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

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer (got '$ROUNDS')"
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION must be a positive integer (got '$DURATION')"
per=$(((WARMUP + 2) / 3))
((per >= 1)) || per=1
# Per service: warm-ups (3 scenarios x 2 apps), reads (2 scenarios x 2 apps x ROUNDS x saturation and
# fixed rate), creates (2 apps x saturation and fixed rate), and ~40 s of starts, stops and vacuums.
estimate=$((${#SERVICES[@]} * (2 * 3 * per + (2 * 2 * ROUNDS * 2 + 2 * 2) * DURATION + 40) / 60 + 2))
log "services: ${SERVICES[*]}; warm-up ${WARMUP}s per app; reads ${ROUNDS} interleaved rounds of ${DURATION}s, creates ${DURATION}s per figure: about $estimate minutes after the build"

ensure_packages postgresql rabbitmq-server openssl curl wrk
for p in $OURS_PORT $RAW_PORT $AUX_PORT; do port_open "$p" && die "port $p is taken"; done

start_stack_async
build_solution
log "building bench/RawBaseline (Release)"
dotnet build "$REPO/bench/RawBaseline" -c Release -v q -nologo -tl:off -clp:ErrorsOnly >"$LOG_DIR/raw-build.log" 2>&1 ||
  { cat "$LOG_DIR/raw-build.log" >&2; die "RawBaseline build failed"; }
finish_stack_up || die "the stack did not start"
eval "$("$REPO/scripts/stack.sh" env)"
export DonationServiceUrl="http://127.0.0.1:$AUX_PORT"
use_development_environment # the local stack, and contributions confirmed at once by the development provider (no payment provider in a benchmark)
use_rig_rate_limits # one address, a few users, thousands of requests a second: allowances no rig reaches, the limiter still measured
migrate_services
export PGPASSWORD=postgres
psql_db() { /usr/lib/postgresql/15/bin/psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" "${@:2}"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
uuid() { cat /proc/sys/kernel/random/uuid; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }
wait_healthy() { # wait_healthy PORT PID [TIMEOUT_S]: poll /api/health every 10 ms until 200
  local deadline=$(($(now_ms) + ${3:-60} * 1000))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/api/health" || true)" == 200 ]]; do
    proc_alive "$2" || return 1
    (($(now_ms) < deadline)) || return 1
    sleep 0.01
  done
}
start_dll() { # start_dll DLL PORT LOGNAME MODE_ARG [VAR=VALUE...] : starts it, sets START_PID
  local dll=$1 port=$2 logname=$3 mode=$4
  shift 4
  (cd "$(dirname "$dll")" && exec env "$@" dotnet "$dll" ${mode:+"$mode"} --urls "http://127.0.0.1:$port") >"$LOG_DIR/$logname.log" 2>&1 &
  START_PID=$!
  STARTED+=("$START_PID")
}
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait_gone "$1" 10 || { kill -KILL "$1" 2>/dev/null || true; wait_gone "$1" 2 || true; }
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The relay publishes unsent outbox rows: mark every row sent, so that no app starts with a backlog
# (the raw app's rows are never relayed, and a stopped service may leave a few unsent).
mark_outbox_sent() {
  psql_db main -c "update donation.outbox set sent_at = now() where sent_at is null;
                   update request.outbox set sent_at = now() where sent_at is null;
                   update messaging.outbox set sent_at = now() where sent_at is null;" >/dev/null
  psql_db campaign -c "update campaign.outbox set sent_at = now() where sent_at is null" >/dev/null
}
# mark_data / restore_data: every app is measured on the seeded data. The creates of a warm-up or a
# measurement add thousands of rows (pending donations newer than every seeded one, messages,
# contributions); left in place they would change the plans and the pages of whatever is measured
# next, so each app would run on different data. restore_data deletes what was added since
# mark_data and vacuums, so the next app (raw or ours) starts from the same state.
DATA_MARK=
mark_data() { DATA_MARK="$(psql_db main -c "select now()")"; }
restore_data() {
  [[ -n $DATA_MARK ]] || return 0
  psql_db main >/dev/null <<SQL
delete from donation.donations where created_at >= '$DATA_MARK';
delete from request.requests where created_at >= '$DATA_MARK';
delete from messaging.notifications where created_at >= '$DATA_MARK';
delete from messaging.messages where created_at >= '$DATA_MARK';
delete from donation.outbox where created_at >= '$DATA_MARK';
delete from request.outbox where created_at >= '$DATA_MARK';
delete from messaging.outbox where created_at >= '$DATA_MARK';
SQL
  psql_db campaign >/dev/null <<SQL
delete from campaign.contributions where created_at >= '$DATA_MARK';
delete from campaign.outbox where created_at >= '$DATA_MARK';
SQL
  psql_db main -c "vacuum (analyze) donation.donations, request.requests, messaging.notifications, messaging.messages, donation.outbox, request.outbox, messaging.outbox" >/dev/null
  psql_db campaign -c "vacuum (analyze) campaign.contributions, campaign.campaigns, campaign.outbox" >/dev/null
}
# Deletes the services' main queues (their retry and parking queues take no routed messages): the
# service measured next declares its own again, with no backlog, and no other service's queue
# collects (in a quorum queue, on disk) the events it publishes while nothing consumes them.
rabbitctl() {
  HOME="$STACK_DIR/rabbit/home" RABBITMQ_NODENAME="$RABBIT_NODE" ERL_EPMD_ADDRESS=127.0.0.1 \
    /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$RABBIT_NODE" "$@"
}
reset_queues() {
  local q queues deleted=()
  queues="$(rabbitctl list_queues --no-table-headers name 2>&1)" || { warn "could not list the broker's queues: $queues"; return 0; }
  for q in $(grep -v -e '\.retry\.' -e '\.parking$' <<<"$queues" || true); do
    if rabbitctl delete_queue "$q" >/dev/null 2>&1; then deleted+=("$q"); else warn "could not delete queue $q"; fi
  done
  log "deleted queues: ${deleted[*]:-none}"
}

# --- Start-to-ready and idle memory of each service (quiet machine, one at a time) ---------------
declare -A READY_MS=() READY_RUNS=() IDLE_MB=()
if ((STARTUP_RUNS > 0)); then
  for svc in "${SERVICES[@]}"; do
    name="${SVC_NAME[$svc]}"
    dll="$(service_dll "$name")"
    times=()
    for ((i = 1; i <= STARTUP_RUNS; i++)); do
      t0=$(now_ms)
      start_dll "$dll" "$AUX_PORT" "startup-$name" --standalone RabbitMQConnection="$(broker_uri_for "$name")"
      pid=$START_PID
      wait_healthy "$AUX_PORT" "$pid" 60 || { tail -n 30 "$LOG_DIR/startup-$name.log" >&2; die "$name did not become healthy"; }
      times+=($(($(now_ms) - t0)))
      if ((i == STARTUP_RUNS)); then
        sleep 5
        IDLE_MB[$name]="$(rss_mb "$pid")"
      fi
      stop_pid "$pid"
    done
    READY_MS[$name]="$(printf '%s\n' "${times[@]}" | median)"
    READY_RUNS[$name]="$(IFS=,; echo "${times[*]}")"
    log "$name: start-to-ready ${times[*]} ms (median ${READY_MS[$name]}), idle RSS ${IDLE_MB[$name]} MB"
  done
fi

# --- Seed -------------------------------------------------------------------------------------------
# One user per service, each with what that service checks:
#   donation:  a donor profile (donation.profiles role donor) and 1,000 available donations;
#   request:   a recipient profile (and request-service's copies of it and of the donations, so a
#              create is confirmed without calling donation-service), 1,000 pending requests of that recipient for the donor's donations, and a
#              pool of further available donations, one per create (topped up as it is used);
#   campaign:  a verified recipient (profile copy: recipient, approved) with 1,000 active campaigns
#              whose goal is never reached, and a contributor whose profile copy is not blocked;
#   messaging: a user with 1,000 conversation partners (5 messages each) and an unread
#              notification for each message received.
# request-service's profile and donation copies hold every seeded profile and donation (so its
# creates, like a steady-state deployment's, need no call to donation-service); nobody is blocked.
# Nobody is in messaging.blocked_users (never blocked: no row).
# The creates of donations and of requests take BENCH_USERS donors / recipients in turn (the first
# is the one above), as many users would: the platform once locked the caller's profile row on every
# create (and still does on profile edits), and one user per service would measure such locks
# rather than the service.
DONORS=() RECIPIENTS=() profiles=""
for ((i = 1; i <= USERS; i++)); do
  DONORS+=("$(uuid)") RECIPIENTS+=("$(uuid)")
  profiles+="('${DONORS[i - 1]}', 'bench-donor-$i@example.com', 'donor'), ('${RECIPIENTS[i - 1]}', 'bench-recipient-$i@example.com', 'recipient'),"
done
DONOR_ID="${DONORS[0]}" RECIPIENT_ID="${RECIPIENTS[0]}" OWNER_ID="$(uuid)" CONTRIBUTOR_ID="$(uuid)" MESSAGING_ID="$(uuid)"
declare -A USER_ID=([donation]=$DONOR_ID [request]=$RECIPIENT_ID [campaign]=$CONTRIBUTOR_ID [messaging]=$MESSAGING_ID)
declare -A USER_EMAIL=([donation]=bench-donor-1@example.com [request]=bench-recipient-1@example.com
  [campaign]=bench-contributor@example.com [messaging]=bench-messaging@example.com)
psql_db main >/dev/null <<SQL
insert into donation.profiles (id, email, role) values
  $profiles
  ('$OWNER_ID', 'bench-owner@example.com', 'recipient'),
  ('$CONTRIBUTOR_ID', 'bench-contributor@example.com', 'donor'),
  ('$MESSAGING_ID', 'bench-messaging@example.com', 'recipient');
update donation.profiles set recipient_status = 'approved' where id = '$OWNER_ID';
insert into donation.donations (id, donor_id, title, description, category, location, status, created_at, updated_at)
select gen_random_uuid(), '$DONOR_ID', 'Bench item ' || g, 'Seeded by bench/http/run.sh', 'books', 'Berlin', 'available',
       now() - g * interval '1 minute', now() - g * interval '1 minute'
  from generate_series(1, 1000) g;
-- request-service's copies of these profiles and donations, as its consumers hold them once the
-- profile.* and donation.* events of this data have arrived (seeded in SQL, nothing was published).
insert into request.profile_copies (user_id, role, blocked, version) select id, role, blocked, version from donation.profiles;
insert into request.donation_copies (donation_id, donor_id, status, version) select id, donor_id, status, version from donation.donations;
insert into request.requests (id, donation_id, donor_id, recipient_id, message, status, created_at, updated_at)
select gen_random_uuid(), d.id, d.donor_id, '$RECIPIENT_ID', 'Seeded by bench/http/run.sh', 'pending',
       d.created_at + interval '1 second', d.created_at + interval '1 second'
  from donation.donations d where d.donor_id = '$DONOR_ID';
create temporary table partners as select gen_random_uuid() as id, g from generate_series(1, 1000) g;
insert into messaging.messages (id, sender_id, receiver_id, content, created_at)
select gen_random_uuid(),
       case when m % 2 = 1 then p.id else '$MESSAGING_ID'::uuid end,
       case when m % 2 = 1 then '$MESSAGING_ID'::uuid else p.id end,
       'Seeded message ' || m || ' by bench/http/run.sh',
       now() - p.g * interval '1 hour' + m * interval '1 minute'
  from partners p cross join generate_series(1, 5) m;
insert into messaging.notifications (id, user_id, type, title, body, data, source_event_id, created_at)
select gen_random_uuid(), m.receiver_id, 'message.sent', 'New message', m.content,
       jsonb_build_object('message_id', m.id, 'sender_id', m.sender_id), m.id::text, m.created_at
  from messaging.messages m where m.receiver_id = '$MESSAGING_ID';
\copy (select id from partners order by g) to '$WORK/messaging-ids.txt'
analyze donation.profiles; analyze donation.donations; analyze request.requests;
analyze messaging.messages; analyze messaging.notifications;
SQL
psql_db campaign >/dev/null <<SQL
insert into campaign.profile_copies (user_id, role, recipient_status, blocked, version) values
  ('$OWNER_ID', 'recipient', 'approved', false, 2),
  ('$CONTRIBUTOR_ID', 'donor', 'none', false, 1);
insert into campaign.campaigns (id, recipient_id, title, description, category, location, goal_amount, status, created_at, updated_at)
select gen_random_uuid(), '$OWNER_ID', 'Bench campaign ' || g, 'Seeded by bench/http/run.sh', 'community', 'Berlin', 10000000, 'active',
       now() - g * interval '1 minute', now() - g * interval '1 minute'
  from generate_series(1, 1000) g;
analyze campaign.profile_copies; analyze campaign.campaigns;
SQL
psql_db main -c "select id from donation.donations where donor_id = '$DONOR_ID' and status = 'available'" >"$WORK/donation-ids.txt"
psql_db main -c "select id from request.requests where recipient_id = '$RECIPIENT_ID'" >"$WORK/request-ids.txt"
psql_db campaign -c "select id from campaign.campaigns where recipient_id = '$OWNER_ID'" >"$WORK/campaign-ids.txt"

# The pool of available donations that request-service's creates ask for, one each. Older than the
# 1,000 above, so donation-service's list page is the same with or without them.
POOL="$WORK/request-pool.txt" POOL_OFFSET=0 POOL_RATE=1500
: >"$POOL"
grow_pool() { # grow_pool N : N more available donations of the donor, appended to the pool file
  psql_db main >>"$POOL" <<SQL
with added as (
  insert into donation.donations (id, donor_id, title, category, location, status, created_at, updated_at)
  select gen_random_uuid(), '$DONOR_ID', 'Bench pool item', 'furniture', 'Berlin', 'available',
         now() - interval '30 days' - g * interval '1 second', now() - interval '30 days'
    from generate_series(1, $1) g
  returning id, donor_id, status, version
), copied as (
  insert into request.donation_copies (donation_id, donor_id, status, version) select id, donor_id, status, version from added
)
select id from added;
SQL
  psql_db main -c "analyze donation.donations; analyze request.donation_copies" >/dev/null
}
ensure_pool() { # ensure_pool SECONDS : enough unused pool ids for SECONDS at the fastest rate seen, with margin
  local need=$((POOL_RATE * $1 * 3 / 2 + 2000)) left=$(($(wc -l <"$POOL") - POOL_OFFSET))
  ((left >= need)) || { log "adding $((need - left + 5000)) donations to the request pool"; grow_pool $((need - left + 5000)); }
}
ensure_pool "$per"
log "seeded: donation $DONOR_ID, request $RECIPIENT_ID, campaign $CONTRIBUTOR_ID (owner $OWNER_ID), messaging $MESSAGING_ID"

declare -A TOKEN=()
for svc in "${ALL_SERVICES[@]}"; do
  TOKEN[$svc]="$(TOKEN_TTL=14400 "$REPO/scripts/mint-token.sh" "${USER_ID[$svc]}" "${USER_EMAIL[$svc]}")"
done
: >"$WORK/donation-tokens.txt"
: >"$WORK/request-tokens.txt"
for ((i = 1; i <= USERS; i++)); do
  TOKEN_TTL=14400 "$REPO/scripts/mint-token.sh" "${DONORS[i - 1]}" "bench-donor-$i@example.com" >>"$WORK/donation-tokens.txt"
  TOKEN_TTL=14400 "$REPO/scripts/mint-token.sh" "${RECIPIENTS[i - 1]}" "bench-recipient-$i@example.com" >>"$WORK/request-tokens.txt"
done
# tokens_of SVC MODE : the file of tokens the scenario takes in turn, or nothing (the service's one token)
tokens_of() { if [[ $2 == create && -s $WORK/$1-tokens.txt ]]; then echo "$WORK/$1-tokens.txt"; fi; }

# --- Apps -------------------------------------------------------------------------------------------
# start_app SVC ours|raw : starts the app (and donation-service for request-service's ours), waits
# for it; sets PID_OF[WHO] (the app measured) and PIDS_OF[WHO] (all it started, space-separated).
# Ours and raw may run at the same time (they use different ports).
declare -A PID_OF=() PIDS_OF=()
start_app() {
  local svc=$1 who=$2 name="${SVC_NAME[$1]}" logname pids=()
  if [[ $who == ours ]]; then
    if [[ $svc == request ]]; then
      start_dll "$(service_dll DonationService)" "$AUX_PORT" "bench-request-DonationService" --standalone RabbitMQConnection="$(broker_uri_for DonationService)"
      pids+=("$START_PID")
      wait_healthy "$AUX_PORT" "$START_PID" 60 || die "donation-service (for request-service) did not become healthy"
    fi
    logname="bench-$name"
    start_dll "$(service_dll "$name")" "$OURS_PORT" "$logname" --standalone RabbitMQConnection="$(broker_uri_for "$name")"
  else
    logname="bench-raw-$svc"
    start_dll "$RAW_DLL" "$RAW_PORT" "$logname" "" \
      RAW_USER_ID="${USER_ID[$svc]}" RAW_USER_EMAIL="${USER_EMAIL[$svc]}" RAW_DONOR_ID="$DONOR_ID"
  fi
  pids+=("$START_PID")
  PID_OF[$who]=$START_PID
  PIDS_OF[$who]="${pids[*]}"
  wait_healthy "$(port_of "$who")" "$START_PID" 60 || { tail -n 30 "$LOG_DIR/$logname.log" >&2; die "$who $svc did not become healthy"; }
}
stop_app() { # stop_app WHO
  local p
  for p in ${PIDS_OF[$1]:-}; do stop_pid "$p"; done
  PIDS_OF[$1]="" PID_OF[$1]=""
}
port_of() { [[ $1 == ours ]] && echo $OURS_PORT || echo $RAW_PORT; }
prefix_of() { [[ $1 == ours ]] && echo /api || echo /raw; }

# sanity SVC WHO : every scenario answers 200 (GET) or 201 (POST) once, with the same requests as wrk.
sanity() {
  local svc=$1 who=$2 mode url body code id expect args token
  id="$(head -n1 "$WORK/$svc-ids.txt")"
  for mode in "${MODES[@]}"; do
    url="$(prefix_of "$who")${SCENARIOS[$svc.$mode]//\{id\}/$id}"
    token="${TOKEN[$svc]}"
    [[ -n $(tokens_of "$svc" "$mode") ]] && token="$(head -n1 "$(tokens_of "$svc" "$mode")")"
    args=(-s -o "$WORK/sanity.json" -w '%{http_code}' -H "Authorization: Bearer $token")
    if [[ $mode == create ]]; then
      body="${BODIES[$svc.$mode]//\{id\}/$id}"
      if [[ $body == *"{next}"* ]]; then
        if [[ $who == ours ]]; then
          body="${body//\{next\}/$(sed -n "$((POOL_OFFSET + 1))p" "$POOL")}"
          POOL_OFFSET=$((POOL_OFFSET + 1))
        else
          body="${body//\{next\}/$(uuid)}"
        fi
      fi
      args+=(-H 'Content-Type: application/json' -d "$body")
    fi
    code="$(curl "${args[@]}" "http://127.0.0.1:$(port_of "$who")$url")"
    expect=200
    [[ $mode == create ]] && expect=201
    [[ $code == "$expect" ]] ||
      { cat "$WORK/sanity.json" >&2; echo >&2; die "$who $svc $mode: $(method_of "$mode") $url answered $code"; }
  done
}

# run_wrk SVC WHO MODE SECONDS RATE : prints the RESULT line
run_wrk() {
  local svc=$1 who=$2 mode=$3 pool=""
  [[ $who == ours && $svc.$mode == request.create ]] && pool="$POOL"
  BENCH_METHOD="$(method_of "$mode")" BENCH_PATH="${SCENARIOS[$svc.$mode]}" BENCH_BODY="${BODIES[$svc.$mode]:-}" \
    BENCH_PREFIX="$(prefix_of "$who")" BENCH_TOKEN="${TOKEN[$svc]}" BENCH_TOKENS="$(tokens_of "$svc" "$mode")" BENCH_IDS="$WORK/$svc-ids.txt" \
    BENCH_POOL="$pool" BENCH_OFFSET="$POOL_OFFSET" BENCH_SEED="$((RANDOM * 32768 + RANDOM))" \
    BENCH_RATE="$5" BENCH_CONNS="$CONNS" BENCH_THREADS="$THREADS" \
    wrk -t"$THREADS" -c"$CONNS" -d"${4}s" --timeout 5s -s "$LUA" "http://127.0.0.1:$(port_of "$who")" >"$WORK/wrk.out" 2>&1 ||
    { cat "$WORK/wrk.out" >&2; die "wrk failed"; }
  grep '^RESULT' "$WORK/wrk.out" || { cat "$WORK/wrk.out" >&2; die "no RESULT from wrk"; }
}
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
# load SVC WHO MODE SECONDS RATE : run_wrk, result in R; keeps the request pool's offset up to
# date (so it must not run in a subshell)
load() {
  local used
  [[ $2 == ours && $1.$3 == request.create ]] && ensure_pool "$4"
  R="$(run_wrk "$@")"
  if [[ $2 == ours && $1.$3 == request.create ]]; then
    used="$(field used "$R")"
    POOL_OFFSET=$((POOL_OFFSET + used))
    ((used / $4 <= POOL_RATE)) || POOL_RATE=$((used / $4))
  fi
  return 0
}

peak_rss() { # peak_rss PID OUTFILE : samples VmRSS every 0.5 s until killed, keeps the max
  local max=0 v
  while proc_alive "$1"; do
    v="$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0)"
    ((v > max)) && { max=$v; echo "$max" >"$2"; }
    sleep 0.5
  done
}

# --- Sanity of every scenario on both apps, before anything is measured -------------------------------
for svc in "${SERVICES[@]}"; do
  for who in ours raw; do
    start_app "$svc" "$who"
    sanity "$svc" "$who"
    stop_app "$who"
  done
  log "sanity: $svc answers 200/200/201 on both apps"
done
mark_outbox_sent

# --- Measure: one service at a time --------------------------------------------------------------------
declare -A RPS=() P50=() P99=() RATE=() BAD=() ROUNDS_RPS=() IDLE=() PEAK=()
rm -f "$WORK"/peak-*.rss
# start_measured SVC WHO : start_app, the app's idle RSS (on its first start) and a sampler of its RSS
start_measured() {
  local svc=$1 who=$2
  start_app "$svc" "$who"
  [[ -n ${IDLE[$svc.$who]:-} ]] || IDLE[$svc.$who]="$(rss_mb "${PID_OF[$who]}")"
  peak_rss "${PID_OF[$who]}" "$WORK/peak-$svc-$who-${PID_OF[$who]}.rss" &
  SAMPLER_OF[$who]=$!
}
# stop_measured SVC WHO : stop_app and its sampler; PEAK = the max over all the app's processes so far
stop_measured() {
  local svc=$1 who=$2
  stop_app "$who"
  kill "${SAMPLER_OF[$who]}" 2>/dev/null || true
  wait "${SAMPLER_OF[$who]}" 2>/dev/null || true
  SAMPLER_OF[$who]=""
  PEAK[$svc.$who]="$(cat "$WORK/peak-$svc-$who-"*.rss 2>/dev/null | sort -n | tail -n1 || true)"
  [[ -n ${PEAK[$svc.$who]} ]] || PEAK[$svc.$who]='?'
}
# order_of ROUND : the apps in the order they take their turn in that round (odd: ours first)
order_of() { if (($1 % 2)); then echo ours raw; else echo raw ours; fi; }
median_of() { # median_of "a,b,c" [PRINTF_FORMAT, default %.1f]
  tr , '\n' <<<"$1" | sort -n | awk -v f="${2:-%.1f}" '{ a[NR] = $1 } END { printf f, (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
half_rate() { awk -v r="$1" 'BEGIN { h = int(r / 2); print (h < 1) ? 1 : h }'; }
add_bad() { BAD[$1]=$((${BAD[$1]:-0} + $(field non2xx "$R") + $(field errors "$R"))); } # add_bad KEY : of R
warm_up() { # warm_up SVC WHO MODE : PER seconds of load (JIT, pools, caches)
  log "$1 $2: warm-up $3 ${per}s"
  load "$1" "$2" "$3" "$per" 0
  (($(field non2xx "$R") + $(field errors "$R") == 0)) || warn "$1 $2 warm-up $3: $R"
}
# measure_reads SVC MODE : both apps up; ROUNDS interleaved saturation rounds, then ROUNDS
# interleaved fixed-rate rounds at half each app's median saturation rate; medians per app.
measure_reads() {
  local svc=$1 mode=$2 r who k
  local -A half=() p50s=() p99s=() rates=()
  for who in ours raw; do
    ROUNDS_RPS[$svc.$mode.$who]="" BAD[$svc.$mode.$who]=0
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    for who in $(order_of "$r"); do
      k="$svc.$mode.$who"
      log "$svc $mode round $r/$ROUNDS, $who: saturation ${DURATION}s (-t$THREADS -c$CONNS)"
      load "$svc" "$who" "$mode" "$DURATION" 0
      ROUNDS_RPS[$k]+="${ROUNDS_RPS[$k]:+,}$(field rps "$R")"
      add_bad "$k"
    done
  done
  for who in ours raw; do
    k="$svc.$mode.$who"
    RPS[$k]="$(median_of "${ROUNDS_RPS[$k]}")"
    half[$who]="$(half_rate "${RPS[$k]}")"
  done
  log "$svc $mode: ours ${ROUNDS_RPS[$svc.$mode.ours]} req/s (median ${RPS[$svc.$mode.ours]}), raw ${ROUNDS_RPS[$svc.$mode.raw]} req/s (median ${RPS[$svc.$mode.raw]})"
  for ((r = 1; r <= ROUNDS; r++)); do
    for who in $(order_of "$r"); do
      k="$svc.$mode.$who"
      log "$svc $mode round $r/$ROUNDS, $who: fixed rate ${half[$who]} req/s ${DURATION}s"
      load "$svc" "$who" "$mode" "$DURATION" "${half[$who]}"
      p50s[$who]+="${p50s[$who]:+,}$(field p50 "$R")"
      p99s[$who]+="${p99s[$who]:+,}$(field p99 "$R")"
      rates[$who]+="${rates[$who]:+,}$(field rps "$R")"
      add_bad "$k"
    done
  done
  for who in ours raw; do
    k="$svc.$mode.$who"
    P50[$k]="$(median_of "${p50s[$who]}" %.3f)" P99[$k]="$(median_of "${p99s[$who]}" %.3f)" RATE[$k]="$(median_of "${rates[$who]}")"
    log "$svc $mode $who at ${half[$who]} req/s: p50 ${p50s[$who]} ms, p99 ${p99s[$who]} ms, achieved ${rates[$who]} req/s"
  done
}
# measure_create SVC WHO : the app (running, alone) warmed up on create, then one saturation run and
# one fixed-rate run at half of it.
measure_create() {
  local svc=$1 who=$2 k="$1.create.$2" half
  warm_up "$svc" "$who" create
  restore_data
  mark_data
  log "$svc $who create (alone): saturation ${DURATION}s (-t$THREADS -c$CONNS)"
  load "$svc" "$who" create "$DURATION" 0
  RPS[$k]="$(field rps "$R")" BAD[$k]=0
  ROUNDS_RPS[$k]="${RPS[$k]}"
  add_bad "$k"
  half="$(half_rate "${RPS[$k]}")"
  log "$svc $who create: ${RPS[$k]} req/s; fixed rate $half req/s ${DURATION}s"
  load "$svc" "$who" create "$DURATION" "$half"
  P50[$k]="$(field p50 "$R")" P99[$k]="$(field p99 "$R")" RATE[$k]="$(field rps "$R")"
  add_bad "$k"
}

for svc in "${SERVICES[@]}"; do
  reset_queues
  psql_db "${SVC_DB[$svc]}" -c checkpoint >/dev/null
  # Reads: both apps up, warmed up in turn, measured in interleaved rounds.
  mark_data
  start_measured "$svc" ours
  start_measured "$svc" raw
  for i in "${!READ_MODES[@]}"; do
    for who in $(order_of $((i + 1))); do warm_up "$svc" "$who" "${READ_MODES[i]}"; done
  done
  restore_data
  mark_data
  for mode in "${READ_MODES[@]}"; do measure_reads "$svc" "$mode"; done
  # Creates: each app alone (the service's relay must not see the raw app's outbox rows).
  stop_measured "$svc" raw
  measure_create "$svc" ours
  stop_measured "$svc" ours
  mark_outbox_sent
  restore_data
  mark_data
  start_measured "$svc" raw
  measure_create "$svc" raw
  stop_measured "$svc" raw
  mark_outbox_sent
  restore_data
done

# --- Tables -----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
target_of() { [[ $1 == create ]] && echo 0.6 || echo 0.7; }
label_of() { printf '%s %s' "$(method_of "$2")" "${SCENARIOS[$1.$2]}"; }
TSV="$WORK/results.tsv"
{
  printf 'service\tscenario\troute\tours_rps\traw_rps\tratio\ttarget\tours_rate\traw_rate\tours_p50_ms\traw_p50_ms\tours_p99_ms\traw_p99_ms\tours_non2xx_errors\traw_non2xx_errors\tours_rounds_rps\traw_rounds_rps\n'
  for svc in "${SERVICES[@]}"; do
    for mode in "${MODES[@]}"; do
      o="$svc.$mode.ours" w="$svc.$mode.raw"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${SVC_NAME[$svc]}" "$mode" "$(label_of "$svc" "$mode")" \
        "${RPS[$o]}" "${RPS[$w]}" "$(ratio "${RPS[$o]}" "${RPS[$w]}")" "$(target_of "$mode")" "${RATE[$o]}" "${RATE[$w]}" \
        "${P50[$o]}" "${P50[$w]}" "${P99[$o]}" "${P99[$w]}" "${BAD[$o]}" "${BAD[$w]}" "${ROUNDS_RPS[$o]}" "${ROUNDS_RPS[$w]}"
    done
  done
} >"$TSV"
{
  printf 'service\tours_idle_mb\tours_peak_mb\traw_idle_mb\traw_peak_mb\n'
  for svc in "${SERVICES[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\n' "${SVC_NAME[$svc]}" "${IDLE[$svc.ours]}" "${PEAK[$svc.ours]}" "${IDLE[$svc.raw]}" "${PEAK[$svc.raw]}"
  done
} >"$WORK/memory.tsv"
{
  printf 'service\tready_median_ms\tready_runs_ms\tidle_rss_mb\n'
  for svc in "${SERVICES[@]}"; do
    name="${SVC_NAME[$svc]}"
    [[ -n ${READY_MS[$name]:-} ]] && printf '%s\t%s\t%s\t%s\n' "$name" "${READY_MS[$name]}" "${READY_RUNS[$name]}" "${IDLE_MB[$name]}"
  done
} >"$WORK/startup.tsv"
{
  printf 'key\tvalue\n'
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'cores\t%s\nmem_mib\t%s\nkernel\t%s\n' "$(nproc)" "$(free -m | awk '/Mem:/ { print $2 }')" "$(uname -r)"
  printf 'warmup_s\t%s\nduration_s\t%s\nrounds\t%s\nwrk_threads\t%s\nwrk_conns\t%s\nstartup_runs\t%s\nservices\t%s\n' \
    "$WARMUP" "$DURATION" "$ROUNDS" "$THREADS" "$CONNS" "$STARTUP_RUNS" "${SERVICES[*]}"
} >"$WORK/meta.tsv"

{
  echo
  echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ { print $2 }') MiB RAM, $(uname -r); PostgreSQL fsync on (PG_FAST=0); wrk -t$THREADS -c$CONNS, ${DURATION}s per run, warm-up ${WARMUP}s per app"
  echo "each service alone; get/list: both apps up, $ROUNDS interleaved rounds per app (odd rounds ours first), medians of the rounds;"
  echo "create: one run per app, each app alone (platform app, then raw app); fixed rate = half the app's saturation req/s"
  echo "(get/list: of its median), paced with wrk Lua delay() (closed loop; achieved rate shown)"
  echo
  printf '%-10s %-6s | %9s %9s %6s | %11s | %8s %8s | %8s %8s | %s\n' service scenario "ours rps" "raw rps" ratio "rate o/r" "ours p50" "raw p50" "ours p99" "raw p99" "non-2xx/errors (ours, raw)"
  printf -- '------------------+----------------------------+-------------+-------------------+-------------------+---------------------------\n'
  for svc in "${SERVICES[@]}"; do
    for mode in "${MODES[@]}"; do
      o="$svc.$mode.ours" w="$svc.$mode.raw"
      printf '%-10s %-6s | %9s %9s %6s | %5s/%5s | %6sms %6sms | %6sms %6sms | %s, %s\n' "$svc" "$mode" \
        "${RPS[$o]}" "${RPS[$w]}" "$(ratio "${RPS[$o]}" "${RPS[$w]}")" "${RATE[$o]%.*}" "${RATE[$w]%.*}" \
        "${P50[$o]}" "${P50[$w]}" "${P99[$o]}" "${P99[$w]}" "${BAD[$o]}" "${BAD[$w]}"
    done
  done
  echo "targets: get/list ours/raw >= 0.7; create (with outbox row) >= 0.6"
  echo "saturation req/s per round, round 1 first (get/list: ours ran first in odd rounds, raw in even ones; create: one run each):"
  for svc in "${SERVICES[@]}"; do
    for mode in "${MODES[@]}"; do
      printf '  %-10s %-6s ours %s | raw %s\n' "$svc" "$mode" "${ROUNDS_RPS[$svc.$mode.ours]//,/, }" "${ROUNDS_RPS[$svc.$mode.raw]//,/, }"
    done
  done
  for svc in "${SERVICES[@]}"; do
    echo "  $svc: $(for mode in "${MODES[@]}"; do printf '%s = %s %s; ' "$mode" "$(method_of "$mode")" "${SCENARIOS[$svc.$mode]}"; done)"
  done
  for svc in "${SERVICES[@]}"; do
    for mode in "${MODES[@]}"; do
      ((${BAD[$svc.$mode.ours]} + ${BAD[$svc.$mode.raw]} == 0)) ||
        echo "WARNING: $svc $mode had non-2xx answers or socket errors: its figures are not comparable"
    done
  done
  echo
  printf '%-18s | %9s %9s | %9s %9s | %s\n' "memory (RSS)" "ours idle" "ours peak" "raw idle" "raw peak" "peak ours/raw"
  for svc in "${SERVICES[@]}"; do
    printf '%-18s | %6s MB %6s MB | %6s MB %6s MB | %sx\n' "${SVC_NAME[$svc]}" "${IDLE[$svc.ours]}" "${PEAK[$svc.ours]}" \
      "${IDLE[$svc.raw]}" "${PEAK[$svc.raw]}" "$(ratio "${PEAK[$svc.ours]}" "${PEAK[$svc.raw]}")"
  done
  echo "(idle: right after ready; peak: highest VmRSS sampled every 0.5 s from ready to stop, warm-ups and measurements)"
  if ((STARTUP_RUNS > 0)); then
    echo
    printf '%-18s | %s | %s\n' service "start-to-ready median of $STARTUP_RUNS (target < 1500 ms)" "idle RSS 5 s after ready (target < 150 MB)"
    for svc in "${SERVICES[@]}"; do
      name="${SVC_NAME[$svc]}"
      printf '%-18s | %8s ms (%s) | %6s MB\n' "$name" "${READY_MS[$name]}" "${READY_RUNS[$name]//,/, }" "${IDLE_MB[$name]}"
    done
  fi
} | tee "$WORK/results.txt"
log "results in $WORK/results.txt, machine-readable in $WORK/{results,memory,startup,meta}.tsv; logs in $LOG_DIR"
