#!/usr/bin/env bash
# A private PostgreSQL 15, a private RabbitMQ node and a private Azurite (Azure Blob Storage
# emulator) for development and tests, without Docker.
#
# Usage: scripts/stack.sh up|down|env|pids|status|destroy|pg-start|pg-stop|rabbit-start|rabbit-stop|rabbit-alarm|rabbit-vhosts|blob-start|blob-stop
#   up        start all three (idempotent: reuses what runs, cleans stale files); creates the
#             databases and applies scripts/sql/supabase-local.sql to each; installs Azurite from
#             npm on first use (pinned, cached in $REPO/.stack/tools, like the OpenAPI tools); makes
#             each service's own RabbitMQ user (deploy/rabbitmq/service-permissions.tsv; password =
#             its name) with its rights on vhost /; guest stays the administrator
#   down      stop them abruptly (pg immediate stop, rabbit and azurite SIGKILL); never fails if already down
#   env       print `export` lines for the connection settings of this stack
#   pids      print "postgres=PID rabbitmq=PID" (the postmaster and the broker node), for the benches'
#             CPU accounting; fails if either does not run
#   status    print what runs; exit 0 if all three run, 3 otherwise
#   destroy   down, then delete the stack's data
#   pg-stop / pg-start, rabbit-stop / rabbit-start   stop or restart one of them, data kept
#             (pg-stop is a fast shutdown: clients are cut off, every commit is kept even with
#             PG_FAST=1; PG_STOP_MODE=immediate makes it a crash, which with PG_FAST=1 loses the
#             last ~0.5 s of commits. rabbit-stop is a SIGKILL.)
#   blob-stop / blob-start   stop (SIGKILL) or restart Azurite, data kept (storage outage tests)
#   rabbit-alarm on|off   raise a memory alarm (vm_memory_high_watermark 0.0001) or end it (back to
#             RabbitMQ's default, 0.4): while it lasts the broker blocks every connection that publishes
#   rabbit-vhosts PREFIX COUNT   make virtual hosts PREFIX-1..PREFIX-COUNT (guest has all rights,
#             each service user its own; idempotent, one CLI call), so that tests running side by side each get a broker of
#             their own: bindings by event type in one vhost would route one test's events to another's
#
# Settings (environment): STACK_DIR (default $REPO/.stack/dev), PG_PORT (15432), AMQP_PORT (5673;
# Erlang distribution port = AMQP_PORT+20000), RABBIT_NODE (default <basename of STACK_DIR>@localhost),
# RABBIT_MANAGEMENT (0; 1 enables the management UI on AMQP_PORT+10000), PG_FAST (1: fsync off),
# BLOB_PORT (Azurite's blob port; default PG_PORT+1000, so private stacks never share it).
# `up` records them in $STACK_DIR/stack.env; later calls for the same STACK_DIR reuse them
# unless they are set in the environment.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022 # the postgres user must be able to traverse the stack directory

STACK_DIR="${STACK_DIR:-$REPO/.stack/dev}"
[[ $STACK_DIR == /* ]] || STACK_DIR="$PWD/$STACK_DIR"
SETTINGS=(PG_PORT AMQP_PORT RABBIT_NODE RABBIT_MANAGEMENT PG_FAST BLOB_PORT)
if [[ -f $STACK_DIR/stack.env ]]; then
  while IFS='=' read -r key value; do
    if [[ " ${SETTINGS[*]} " == *" $key "* && -z ${!key:-} ]]; then printf -v "$key" '%s' "$value"; fi
  done <"$STACK_DIR/stack.env"
fi
PG_PORT="${PG_PORT:-15432}"
AMQP_PORT="${AMQP_PORT:-5673}"
RABBIT_NODE="${RABBIT_NODE:-$(basename "$STACK_DIR")@localhost}"
RABBIT_MANAGEMENT="${RABBIT_MANAGEMENT:-0}"
PG_FAST="${PG_FAST:-1}"
BLOB_PORT="${BLOB_PORT:-$((PG_PORT + 1000))}"
# Ports must stay below the ephemeral range (32768+), which also keeps them off the CLI's 35672-35682.
valid_port() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1024 && $1 < 32768)); }
valid_port "$PG_PORT" || die "PG_PORT must be 1024..32767"
if ! valid_port "$AMQP_PORT" || ((AMQP_PORT + 20000 >= 32768)); then
  die "AMQP_PORT must be 1024..12767 (its distribution port AMQP_PORT+20000 must stay below 32768)"
fi
valid_port "$BLOB_PORT" || die "BLOB_PORT must be 1024..32767 (default PG_PORT+1000)"
DIST_PORT=$((AMQP_PORT + 20000))
MGMT_PORT=$((AMQP_PORT + 10000))
[[ $RABBIT_NODE =~ ^[A-Za-z0-9_-]+@[A-Za-z0-9.-]+$ ]] || die "RABBIT_NODE must look like name@localhost"

# --- PostgreSQL -----------------------------------------------------------------------------------
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_LINK="$STACK_DIR/pg" # a directory, or a symlink to one the postgres user can reach
PG_ROOT="$(readlink -m "$PG_LINK")"
PG_DATA="$PG_ROOT/data"
PG_SOCK="$PG_ROOT/run"
PG_LOG="$PG_ROOT/postgres.log"

as_pg() {
  if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" \
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}
pg_pid() { # prints the postmaster pid if it runs
  local pid
  [[ -f $PG_DATA/postmaster.pid ]] || return 1
  pid="$(head -n1 "$PG_DATA/postmaster.pid")"
  proc_alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] && echo "$pid"
}
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; }

# Where the data goes: $STACK_DIR/pg, unless the postgres user cannot reach it (e.g. a repo under
# /root) or the socket path would be too long; then a directory under /var/tmp, linked from there.
pg_prepare_root() {
  mkdir -p "$STACK_DIR"
  if [[ ! -e $PG_LINK && ! -L $PG_LINK && $EUID -eq 0 ]] &&
    { ! runuser -u postgres -- test -x "$STACK_DIR" || ((${#STACK_DIR} > 80)); }; then
    PG_ROOT="/var/tmp/platform-stack-$(printf '%s' "$STACK_DIR" | cksum | cut -d' ' -f1)"
    mkdir -p "$PG_ROOT"
    ln -s "$PG_ROOT" "$PG_LINK"
    PG_DATA="$PG_ROOT/data" PG_SOCK="$PG_ROOT/run" PG_LOG="$PG_ROOT/postgres.log"
  fi
  mkdir -p "$PG_ROOT"
}

pg_init() {
  log "postgres: initdb in $PG_DATA"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  [[ $EUID -ne 0 ]] || chown postgres:postgres "$PG_ROOT" "$PG_DATA"
  chmod 700 "$PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$PG_ROOT/initdb.log" 2>&1 ||
    { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
}

pg_start() {
  if pg_pid >/dev/null; then
    pg_ready && return 0
    warn "postgres runs but does not answer on port $PG_PORT: restarting it"
    pg_stop
  fi
  pg_prepare_root
  [[ -f $PG_DATA/PG_VERSION ]] || pg_init
  rm -f "$PG_DATA/postmaster.pid" "$PG_SOCK"/.s.PGSQL.* # stale: no postmaster runs
  port_open "$PG_PORT" && die "port $PG_PORT is taken by another process (set PG_PORT to use another)"
  mkdir -p "$PG_SOCK"
  [[ $EUID -ne 0 ]] || chown postgres:postgres "$PG_ROOT" "$PG_SOCK"
  # wal_level=logical as on Supabase: Realtime (postgres_changes) decodes the WAL of the tables in
  # the supabase_realtime publication, and the realtime tests read it through a replication slot.
  local opts="-p $PG_PORT -k '$PG_SOCK' -c listen_addresses=127.0.0.1 -c max_connections=300 -c wal_level=logical"
  [[ $PG_FAST == 1 ]] && opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  touch "$PG_LOG"
  [[ $EUID -ne 0 ]] || chown postgres:postgres "$PG_LOG"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$opts" -w -t 60 -s start ||
    { tail -n 30 "$PG_LOG" >&2; die "postgres did not start (log: $PG_LOG)"; }
}

# Databases from the service table, the postgres password, and the Supabase look-alike schema.
pg_setup() {
  local dbs db
  mapfile -t dbs < <(awk 'NF { print $3 }' <<<"$SERVICE_TABLE" | sort -u)
  psql_admin -d postgres <<SQL
ALTER ROLE postgres PASSWORD 'postgres';
SELECT format('CREATE DATABASE %I', d) FROM unnest(string_to_array('${dbs[*]}', ' ')) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SQL
  for db in "${dbs[@]}"; do
    psql_admin -d "$db" -f "$REPO/scripts/sql/supabase-local.sql" >/dev/null
  done
}

pg_stop() { # pg_stop [immediate|fast]
  pg_pid >/dev/null || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-immediate}" -w -s stop || warn "pg_ctl stop failed"
}

# --- RabbitMQ -------------------------------------------------------------------------------------
RABBIT_BIN=/usr/lib/rabbitmq/bin # not the wrappers on PATH: those switch user (cookie mismatch)
R="$STACK_DIR/rabbit"
export RABBITMQ_NODENAME="$RABBIT_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" \
  RABBITMQ_MNESIA_BASE="$R/mnesia" RABBITMQ_LOG_BASE="$R/log" \
  RABBITMQ_CONFIG_FILE="$R/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$R/enabled_plugins" \
  RABBITMQ_PID_FILE="$R/rabbit.pid" RABBITMQ_CONF_ENV_FILE="$R/rabbitmq-env.conf" \
  ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
rabbit() { HOME="$R/home" "$@"; } # the Erlang cookie lives in HOME
rabbitmqctl() { rabbit "$RABBIT_BIN/rabbitmqctl" "$@"; }
epmd_names() { { epmd -names 2>/dev/null || true; } | awk '$1 == "name" { print $2 }'; }
rabbit_pid() { # prints the node's pid if it runs
  local pid
  [[ -s $R/rabbit.pid ]] && pid="$(<"$R/rabbit.pid")" && proc_alive "$pid" &&
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == beam* ]] && echo "$pid"
}

rabbit_start() { # starts the node in the background; rabbit_wait waits for it
  rabbit_pid >/dev/null && return 0
  rabbit_kill_orphan
  rm -f "$R/rabbit.pid"
  port_open "$AMQP_PORT" && die "port $AMQP_PORT is taken by another process (set AMQP_PORT to use another)"
  port_open "$DIST_PORT" && die "port $DIST_PORT (AMQP_PORT+20000) is taken by another process"
  mkdir -p "$R/home" "$R/mnesia" "$R/log"
  : >"$R/rabbitmq-env.conf"
  {
    echo "listeners.tcp.default = 127.0.0.1:$AMQP_PORT"
    echo "loopback_users = none"
    echo "default_user = guest"
    echo "default_pass = guest"
    if [[ $RABBIT_MANAGEMENT == 1 ]]; then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $MGMT_PORT"
    fi
  } >"$R/rabbitmq.conf"
  if [[ $RABBIT_MANAGEMENT == 1 ]]; then
    echo '[rabbitmq_management].' >"$R/enabled_plugins"
  else
    echo '[].' >"$R/enabled_plugins"
  fi
  (cd "$R" && rabbit "$RABBIT_BIN/rabbitmq-server" -detached >"$R/log/start.log" 2>&1) ||
    { cat "$R/log/start.log" >&2; die "rabbitmq-server did not start"; }
}

rabbit_wait() {
  rabbitmqctl -q wait --timeout 60 "$R/rabbit.pid" >/dev/null 2>&1 || {
    tail -n 30 "$R/log/$RABBIT_NODE.log" >&2 2>/dev/null || true
    die "rabbitmq node $RABBIT_NODE did not become ready (logs: $R/log)"
  }
  port_open "$AMQP_PORT" || die "rabbitmq node $RABBIT_NODE runs but port $AMQP_PORT does not answer"
}

# A node of our name registered with epmd but without a live pid file (e.g. its pid file was
# deleted): find its OS pid through rabbitmqctl and kill it.
rabbit_kill_orphan() {
  local pid names
  names="$(epmd_names)"
  grep -qx "${RABBIT_NODE%@*}" <<<"$names" || return 0
  pid="$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null)" ||
    die "a node named $RABBIT_NODE runs but is not ours (different Erlang cookie)"
  warn "killing orphan rabbitmq node $RABBIT_NODE (pid $pid)"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" || warn "rabbitmq (pid $pid) is still alive"
}

rabbit_stop() {
  local pid names i
  if pid="$(rabbit_pid)"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" || warn "rabbitmq (pid $pid) is still alive"
  else
    rabbit_kill_orphan
  fi
  rm -f "$R/rabbit.pid"
  # epmd outlives the nodes; stop it once no other node uses it (it forgets ours in a moment).
  for ((i = 0; i < 20; i++)); do
    names="$(epmd_names)"
    grep -qx "${RABBIT_NODE%@*}" <<<"$names" || break
    sleep 0.1
  done
  if command -v epmd >/dev/null && [[ -z "$(awk -v me="${RABBIT_NODE%@*}" 'NF && $0 != me' <<<"$names")" ]]; then
    epmd -kill >/dev/null 2>&1 || true
  fi
}


# --- Azurite (blob service only) ------------------------------------------------------------------
AZURITE_VERSION=3.37.0
AZURITE_DIR="${AZURITE_TOOLS_DIR:-$REPO/.stack/tools}/azurite-$AZURITE_VERSION"
AZURITE="$AZURITE_DIR/node_modules/.bin/azurite-blob"
B="$STACK_DIR/azurite"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
DEV_ACCOUNT=devstoreaccount1
DEV_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

blob_install() {
  [[ -x $AZURITE ]] && return 0
  command -v node >/dev/null && command -v npm >/dev/null || ensure_packages nodejs npm
  log "installing azurite $AZURITE_VERSION (npm, into $AZURITE_DIR; about 30 s, once)"
  mkdir -p "$AZURITE_DIR"
  npm install --prefix "$AZURITE_DIR" --no-audit --no-fund --no-save --save-exact "azurite@$AZURITE_VERSION" >"$AZURITE_DIR/install.log" 2>&1 ||
    { cat "$AZURITE_DIR/install.log" >&2; die "npm install azurite@$AZURITE_VERSION failed"; }
  [[ -x $AZURITE ]] || die "azurite-blob is not at $AZURITE after its installation"
}

blob_pid() { # prints Azurite's pid if it runs
  local pid
  [[ -s $B/azurite.pid ]] && pid="$(<"$B/azurite.pid")" && proc_alive "$pid" &&
    grep -q azurite "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

blob_start() { # starts Azurite in the background; blob_wait waits for it
  blob_pid >/dev/null && return 0
  blob_install
  port_open "$BLOB_PORT" && die "port $BLOB_PORT is taken by another process (set BLOB_PORT to use another)"
  mkdir -p "$B/data"
  # --loose: accept headers Azurite does not implement; --skipApiVersionCheck: newer SDKs than it knows.
  setsid "$AZURITE" --silent --disableTelemetry --skipApiVersionCheck --loose --location "$B/data" \
    --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" </dev/null >"$B/azurite.log" 2>&1 &
  echo $! >"$B/azurite.pid"
}

blob_wait() {
  local i
  for ((i = 0; i < 300; i++)); do
    port_open "$BLOB_PORT" && return 0
    blob_pid >/dev/null || { tail -n 30 "$B/azurite.log" >&2; die "azurite exited (log: $B/azurite.log)"; }
    sleep 0.1
  done
  die "azurite did not listen on port $BLOB_PORT within 30 s (log: $B/azurite.log)"
}

blob_stop() {
  local pid
  pid="$(blob_pid)" || { rm -f "$B/azurite.pid"; return 0; }
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" || warn "azurite (pid $pid) is still alive"
  rm -f "$B/azurite.pid"
}

# --- commands -------------------------------------------------------------------------------------
cmd_up() {
  local t0=$SECONDS
  ensure_packages postgresql rabbitmq-server
  mkdir -p "$STACK_DIR"
  echo '*' >"$STACK_DIR/.gitignore"
  for key in "${SETTINGS[@]}"; do printf '%s=%s\n' "$key" "${!key}"; done >"$STACK_DIR/stack.env"
  rabbit_start # boots in the background (~8 s) while postgres comes up
  blob_start
  pg_start
  pg_setup
  rabbit_wait
  rabbit_service_users "" "" /
  blob_wait
  log "stack up in $((SECONDS - t0)) s: postgres 127.0.0.1:$PG_PORT, rabbitmq $RABBIT_NODE 127.0.0.1:$AMQP_PORT$(
    [[ $RABBIT_MANAGEMENT == 1 ]] && echo ", management http://127.0.0.1:$MGMT_PORT/"), azurite blob http://127.0.0.1:$BLOB_PORT/$DEV_ACCOUNT"
}

cmd_down() {
  pg_stop
  rabbit_stop
  blob_stop
}

cmd_env() {
  local main="Host=127.0.0.1;Port=$PG_PORT;Database=main;Username=postgres;Password=postgres"
  local campaign="Host=127.0.0.1;Port=$PG_PORT;Database=campaign;Username=postgres;Password=postgres"
  local pair
  for pair in \
    "PG_PORT=$PG_PORT" \
    "AMQP_PORT=$AMQP_PORT" \
    "BLOB_PORT=$BLOB_PORT" \
    "DonationDbConnection=$main" \
    "RequestDbConnection=$main" \
    "MessagingDbConnection=$main" \
    "CampaignDbConnection=$campaign" \
    "MainDbAdminConnection=$main" \
    "CampaignDbAdminConnection=$campaign" \
    "RabbitMQConnection=amqp://guest:guest@127.0.0.1:$AMQP_PORT/" \
    "SUPABASE_URL=http://127.0.0.1:54321" \
    "SUPABASE_JWT_SECRET=super-secret-jwt-token-with-at-least-32-characters-long" \
    "DonationServiceUrl=http://127.0.0.1:$(service_port DonationService)" \
    "BlobStorageConnection=DefaultEndpointsProtocol=http;AccountName=$DEV_ACCOUNT;AccountKey=$DEV_KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/$DEV_ACCOUNT;"; do
    printf "export %s='%s'\n" "${pair%%=*}" "${pair#*=}"
  done
}

cmd_status() {
  local rc=0 pid
  if pid="$(pg_pid)" && pg_ready; then
    echo "postgres: running (pid $pid) on 127.0.0.1:$PG_PORT, data $PG_DATA"
  else
    echo "postgres: stopped (port $PG_PORT)"
    rc=3
  fi
  if pid="$(rabbit_pid)" && port_open "$AMQP_PORT"; then
    echo "rabbitmq: running (pid $pid) node $RABBIT_NODE on 127.0.0.1:$AMQP_PORT$(
      [[ $RABBIT_MANAGEMENT == 1 ]] && echo ", management http://127.0.0.1:$MGMT_PORT/")"
  else
    echo "rabbitmq: stopped (node $RABBIT_NODE, port $AMQP_PORT)"
    rc=3
  fi
  if pid="$(blob_pid)" && port_open "$BLOB_PORT"; then
    echo "azurite: running (pid $pid) blob http://127.0.0.1:$BLOB_PORT/$DEV_ACCOUNT, data $B/data"
  else
    echo "azurite: stopped (port $BLOB_PORT)"
    rc=3
  fi
  return "$rc"
}

# --- per-service broker users (issue 18, authenticated events) -------------------------------------
# deploy/rabbitmq/service-permissions.tsv is derived from the event catalogue's declared publishers (a
# test keeps it in step): per service, the vhost permissions (its own queues) and the topic permission
# on platform.events (only its own routing keys). Locally each user's password is its name: the node
# listens on 127.0.0.1 only, like guest:guest. lib.sh's broker_uri_for gives a service its URI.
SERVICE_PERMISSIONS="$REPO/deploy/rabbitmq/service-permissions.tsv"

# service_users_definitions VHOSTS_JSON PERMISSIONS_JSON VHOST... : a definitions document with the
# users and their rights on each VHOST, plus the given vhosts and permissions (so one import does all).
service_users_definitions() {
  local vhosts="$1" permissions="$2" user configure write read topic_write topic_read vhost sep="" psep="" users="" topics=""
  shift 2
  [[ -n $permissions ]] && psep=","
  [[ -f $SERVICE_PERMISSIONS ]] || die "$SERVICE_PERMISSIONS is missing"
  json() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }
  while IFS=$'\t' read -r user configure write read topic_write topic_read; do
    [[ -z $user || $user == \#* ]] && continue
    users+="$sep{\"name\":$(json "$user"),\"password\":$(json "$user"),\"tags\":\"\"}"
    sep=","
    for vhost in "$@"; do
      permissions+="$psep{\"user\":$(json "$user"),\"vhost\":$(json "$vhost"),\"configure\":$(json "$configure"),\"write\":$(json "$write"),\"read\":$(json "$read")}"
      topics+="$psep{\"user\":$(json "$user"),\"vhost\":$(json "$vhost"),\"exchange\":\"platform.events\",\"write\":$(json "$topic_write"),\"read\":$(json "$topic_read")}"
      psep=","
    done
  done <"$SERVICE_PERMISSIONS"
  topics="${topics#,}"
  printf '{"vhosts":[%s],"users":[%s],"permissions":[%s],"topic_permissions":[%s]}\n' "$vhosts" "$users" "$permissions" "$topics"
}

# rabbit_service_users VHOSTS_JSON PERMISSIONS_JSON VHOST... : makes (or updates) the given vhosts and
# permissions, the service users and their rights on each VHOST, in one rabbitmqctl call.
rabbit_service_users() {
  local file="$R/service-users-$$.json"
  service_users_definitions "$@" >"$file"
  rabbitmqctl -q import_definitions "$file" >/dev/null || die "importing the service users ($file) failed"
  rm -f "$file"
}

cmd_rabbit_vhosts() {
  local prefix="${1:-}" count="${2:-}" i sep="" vhosts="" permissions="" file
  [[ $prefix =~ ^[A-Za-z0-9._-]+$ && $count =~ ^[0-9]+$ ]] && ((count >= 1 && count <= 256)) ||
    die "usage: stack.sh rabbit-vhosts PREFIX COUNT (PREFIX of letters, digits, . _ -; COUNT 1..256)"
  rabbit_pid >/dev/null || die "rabbitmq node $RABBIT_NODE does not run (stack.sh up first)"
  for ((i = 1; i <= count; i++)); do
    vhosts+="$sep{\"name\":\"$prefix-$i\"}"
    permissions+="$sep{\"user\":\"guest\",\"vhost\":\"$prefix-$i\",\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"
    sep=","
  done
  local names=()
  for ((i = 1; i <= count; i++)); do names+=("$prefix-$i"); done
  rabbit_service_users "$vhosts" "$permissions" "${names[@]}"
}

cmd_rabbit_alarm() {
  rabbit_pid >/dev/null || die "rabbitmq node $RABBIT_NODE does not run (stack.sh up first)"
  case "${1:-}" in
    on) rabbitmqctl -q set_vm_memory_high_watermark 0.0001 >/dev/null ;;
    off) rabbitmqctl -q set_vm_memory_high_watermark 0.4 >/dev/null ;;
    *) die "usage: stack.sh rabbit-alarm on|off" ;;
  esac
}

cmd_pids() {
  local pg rabbit
  pg="$(pg_pid)" || die "postgres does not run (stack.sh up first)"
  rabbit="$(rabbit_pid)" || die "rabbitmq node $RABBIT_NODE does not run (stack.sh up first)"
  echo "postgres=$pg rabbitmq=$rabbit"
}

cmd_destroy() {
  cmd_down
  [[ -L $PG_LINK ]] && rm -rf "$PG_ROOT"
  rm -rf "$STACK_DIR"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  pids) cmd_pids ;;
  status) cmd_status ;;
  destroy) cmd_destroy ;;
  pg-start) pg_start && pg_setup ;;
  pg-stop) pg_stop "${PG_STOP_MODE:-fast}" ;;
  rabbit-start) rabbit_start && rabbit_wait ;;
  rabbit-stop) rabbit_stop ;;
  rabbit-alarm) shift && cmd_rabbit_alarm "$@" ;;
  rabbit-vhosts) shift && cmd_rabbit_vhosts "$@" ;;
  blob-start) blob_start && blob_wait ;;
  blob-stop) blob_stop ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
