#!/usr/bin/env bash
# Migrates every service: `dotnet <App>.dll migrate` (its schema, then its RabbitMQ queues and
# bindings) for each app, in SERVICE_TABLE order — lib.sh's migrate_services, the very function
# scripts/run.sh and scripts/test.sh use. Idempotent (applied migrations are skipped, queue
# declarations are repeated); the first failure stops it with a non-zero exit.
#
# azd runs it as the first step of the postprovision hook (scripts/azd-postprovision.sh), before any
# package reaches an app: no relay may publish before every service's queue is bound.
# Locally it works against the project's stack:  eval "$(scripts/stack.sh env)" && scripts/migrate.sh
#
# Settings: each app's own names (DonationDbConnection, RequestDbConnection, CampaignDbConnection,
# MessagingDbConnection, RabbitMQConnection), or else azd's environment names (DONATION_DB_CONNECTION,
# ..., RABBITMQ_CONNECTION). Each service migrates as its own broker user: RABBITMQ_DONATION_CONNECTION,
# ..._REQUEST_, ..._CAMPAIGN_, ..._MESSAGING_ (azd's secrets), or else RabbitMQConnection with the local
# stack's user of that service (lib.sh broker_uri_for). SKIP_BUILD=1 uses the existing Release build.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# app setting <- azd environment variable (see infra/main.parameters.json)
while read -r app_name azd_name; do
  if [[ -z ${!app_name:-} && -n ${!azd_name:-} ]]; then
    export "$app_name=${!azd_name}"
  fi
done <<'MAP'
DonationDbConnection DONATION_DB_CONNECTION
RequestDbConnection REQUEST_DB_CONNECTION
CampaignDbConnection CAMPAIGN_DB_CONNECTION
MessagingDbConnection MESSAGING_DB_CONNECTION
RabbitMQConnection RABBITMQ_CONNECTION
Database__RootCertificate DATABASE_ROOT_CERTIFICATE
Search__TextConfiguration SEARCH_TEXT_CONFIGURATION
MAP

missing=()
while read -r name _ _ _; do
  short="$(sed -E 's/Service$//' <<<"$name" | tr '[:lower:]' '[:upper:]')"
  own="RABBITMQ_${short}_CONNECTION"
  [[ -n ${RabbitMQConnection:-} || -n ${!own:-} ]] || missing+=("$own (or RabbitMQConnection / RABBITMQ_CONNECTION locally)")
done < <(existing_services)
while read -r name _ _ var; do
  [[ -n ${!var:-} ]] || missing+=("$var for $name")
done < <(existing_services)
((${#missing[@]} == 0)) || die "not set: ${missing[*]}"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  while read -r name _ _ _; do
    log "building $name (Release)"
    out="$(dotnet build "$REPO/functions/$name/$name.csproj" -c Release -v q -nologo -tl:off -clp:ErrorsOnly 2>&1)" ||
      { printf '%s\n' "$out" >&2; die "build of $name failed"; }
  done < <(existing_services)
fi

t0=$SECONDS
migrate_services
log "migrated $(existing_services | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }') in $((SECONDS - t0)) s"
