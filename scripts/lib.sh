# shellcheck shell=bash
# Shared helpers for the project's scripts; source it, don't run it.
#   REPO                 absolute path of the repository root
#   SERVICE_TABLE        the one list of services: name, port, database, connection-string env var
#   existing_services    prints the table rows whose functions/<Name>/ folder exists
#   log / warn / die     messages on stderr, prefixed with the calling script's name
#   ensure_packages P..  apt-installs the packages that are missing (apt-get update at most once)
#   service_port NAME    the service's port from the table
#   solution_file, build_solution, service_dll, migrate_services   building and migrating
#   start_stack_async, finish_stack_up                             stack.sh up in the background
#   port_open, proc_alive, pid_alive, wait_gone                     process and port checks
#   service_user, broker_uri_for, use_service_broker               each service's own local broker user

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# name             port  database  env var with its Npgsql connection string
SERVICE_TABLE="
DonationService    7071  main      DonationDbConnection
RequestService     7072  main      RequestDbConnection
CampaignService    7073  campaign  CampaignDbConnection
MessagingService   7074  main      MessagingDbConnection
"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

_SCRIPT_NAME="$(basename "$0")"
log() { printf '[%s %s] %s\n' "$_SCRIPT_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() {
  log "ERROR: $*"
  exit 1
}

# Rows "name port database envvar" of the services that exist in the working tree.
existing_services() {
  local name port db var
  while read -r name port db var; do
    [[ -n $name && -d $REPO/functions/$name ]] && printf '%s %s %s %s\n' "$name" "$port" "$db" "$var"
  done <<<"$SERVICE_TABLE"
  return 0
}

_APT_UPDATED=0
# ensure_packages PKG... : install with apt-get whatever of PKG is not installed yet.
ensure_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "missing packages: ${missing[*]} (run as root or install them yourself)"
  log "installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  local out
  out="$(mktemp)"
  if ((_APT_UPDATED == 0)); then
    apt-get update -qq >"$out" 2>&1 || { cat "$out" >&2; die "apt-get update failed"; }
    _APT_UPDATED=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$out" 2>&1 ||
    { cat "$out" >&2; die "apt-get install ${missing[*]} failed"; }
  rm -f "$out"
}

# service_port NAME : the service's port from the table.
service_port() { awk -v n="$1" '$1 == n { print $2 }' <<<"$SERVICE_TABLE"; }

# The solution file (Functions.sln, or Functions.slnx as newer SDKs create).
solution_file() {
  local f
  for f in "$REPO/Functions.sln" "$REPO/Functions.slnx"; do
    [[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
  done
  die "no Functions.sln (or .slnx) in $REPO"
}

# build_solution : dotnet build of the solution in Release; prints the errors if it fails.
# (The Functions SDK's nested extensions build prints a summary of its own: kept in the log.)
build_solution() {
  local sln out="$STACK_DIR/logs/build.log"
  sln="$(solution_file)"
  mkdir -p "$STACK_DIR/logs"
  log "building $(basename "$sln") (Release)"
  dotnet build "$sln" -c Release -v q -nologo -tl:off -clp:ErrorsOnly >"$out" 2>&1 ||
    { grep -v '^\s*$' "$out" >&2; die "build failed (log: $out)"; }
}

# start_stack_async / finish_stack_up : `stack.sh up` in the background (the broker boots in
# ~6 s, meanwhile the build runs), then wait for it; its output goes to $STACK_DIR/logs/stack-up.log.
STACK_UP_PID=
start_stack_async() {
  mkdir -p "$STACK_DIR/logs"
  "$REPO/scripts/stack.sh" up >"$STACK_DIR/logs/stack-up.log" 2>&1 &
  STACK_UP_PID=$!
}
finish_stack_up() {
  [[ -n $STACK_UP_PID ]] || return 0
  local rc=0
  wait "$STACK_UP_PID" || rc=$?
  STACK_UP_PID=
  ((rc == 0)) || { cat "$STACK_DIR/logs/stack-up.log" >&2; return "$rc"; }
  tail -n 1 "$STACK_DIR/logs/stack-up.log" >&2
}

# service_dll NAME [CONFIGURATION] : path of the built service assembly.
service_dll() {
  printf '%s/functions/%s/bin/%s/net10.0/%s.dll\n' "$REPO" "$1" "${2:-Release}" "$1"
}

# service_user NAME : the service's RabbitMQ user, CloudEvents source and AMQP app-id (DonationService →
# donation-service). Each service publishes only its own events under it (docs/ARCHITECTURE.md, Events).
service_user() { sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' <<<"$1" | tr '[:upper:]' '[:lower:]'; }

# broker_uri_for NAME [URI] : the service's own broker URI. In Azure (azd, scripts/migrate.sh) it is
# RABBITMQ_<SHORT>_CONNECTION (RABBITMQ_DONATION_CONNECTION, ...: each service's own user and secret).
# Otherwise URI (default $RabbitMQConnection) with the service's local user, whose password is its
# name (scripts/stack.sh makes the users from deploy/rabbitmq/service-permissions.tsv).
broker_uri_for() {
  local user own uri="${2:-}"
  own="RABBITMQ_$(sed -E 's/Service$//' <<<"$1" | tr '[:lower:]' '[:upper:]')_CONNECTION"
  if [[ -z $uri && -n ${!own:-} ]]; then
    printf '%s\n' "${!own}"
    return 0
  fi
  uri="${uri:-${RabbitMQConnection:?RabbitMQConnection is not set}}"
  user="$(service_user "$1")"
  [[ $uri =~ ^(amqps?://)([^@/]*@)?(.*)$ ]] || die "RabbitMQConnection is not an amqp(s):// URI"
  printf '%s%s:%s@%s\n' "${BASH_REMATCH[1]}" "$user" "$user" "${BASH_REMATCH[3]}"
}

# use_service_broker NAME : exports RabbitMQConnection as the service's own user (in the service's subshell).
use_service_broker() {
  RabbitMQConnection="$(broker_uri_for "$1")" || return 1
  export RabbitMQConnection
}

# Run "<Name>.dll migrate" for every existing service; expects the stack env exported.
migrate_services() {
  local name port db var dll out
  while read -r name port db var; do
    dll="$(service_dll "$name")"
    [[ -f $dll ]] || die "$dll not found: did the build succeed?"
    log "migrating $name ($db database)"
    if ! out="$(use_service_broker "$name" && cd "$(dirname "$dll")" && dotnet "$dll" migrate 2>&1)"; then
      printf '%s\n' "$out" >&2
      die "migrations of $name failed"
    fi
  done < <(existing_services)
}

# port_open PORT : true if something accepts TCP connections on 127.0.0.1:PORT.
# Local runs (run.sh, the fault-injection rig, the benchmarks) start the services in the Development
# environment: the local stack's amqp:// and http:// endpoints and the Supabase CLI's demo secret are
# refused elsewhere, and campaign-service uses its development payment provider, which confirms every
# contribution at once and moves no money (refused outside Development; Azure runs Stripe).
use_development_environment() { export DOTNET_ENVIRONMENT=Development Payments__Provider="${Payments__Provider:-development}"; }

# use_rig_rate_limits : a load rig (benchmarks, fault injection) drives thousands of requests a second
# from one address and a few users, which the default per-caller limits exist to refuse. It raises
# every class's allowance far above any rig's rate; the limiter stays on the path, so its cost is
# part of what a benchmark measures (docs/DESIGN-NOTES.md, "Rate limits").
use_rig_rate_limits() {
  local class
  for class in Reads Writes Messages Reports; do export "RateLimits__${class}__PermitLimit=1000000000"; done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# proc_alive PID : true if PID runs. A zombie waiting to be reaped does not, once all its threads
# are gone (until then it still holds its sockets).
proc_alive() {
  local stat tasks
  [[ $1 =~ ^[0-9]+$ ]] && stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  tasks=("/proc/$1/task/"*)
  [[ ${stat##*) } != Z* ]] || ((${#tasks[@]} > 1))
}

# pid_alive PIDFILE : true if PIDFILE's first line names a running process.
pid_alive() {
  [[ -s $1 ]] && proc_alive "$(head -n1 "$1")"
}

# wait_gone PID [SECONDS] : wait up to SECONDS (default 5) for PID to exit.
wait_gone() {
  local i
  for ((i = 0; i < ${2:-5} * 10; i++)); do
    proc_alive "$1" || return 0
    sleep 0.1
  done
  return 1
}
