#!/usr/bin/env bash
# Makes (or updates) the platform's per-service RabbitMQ users through the broker's management HTTP
# API, from service-permissions.tsv next to this script (derived from the event catalogue; never
# edited by hand). Used by compose.yaml; an operator can use it for any broker with the management
# API (docs/DEPLOYMENT.md, "Per-service broker users"). scripts/stack.sh does the same with rabbitmqctl.
#
#   service-users.sh MANAGEMENT_URL VHOST
#     RABBIT_ADMIN_USER / RABBIT_ADMIN_PASSWORD   an administrator of the broker (default guest/guest)
#     <USER>_PASSWORD (e.g. DONATION_SERVICE_PASSWORD)   a user's password; LOCAL_PASSWORDS=1: the user's
#     name (local only). A user with neither keeps its password (only its permissions are set).
set -euo pipefail
[[ $# -eq 2 ]] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
api="${1%/}/api"
vhost="${2//\//%2F}"
admin="${RABBIT_ADMIN_USER:-guest}:${RABBIT_ADMIN_PASSWORD:-guest}"
table="$(dirname "${BASH_SOURCE[0]}")/service-permissions.tsv"

json() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }
put() { curl -fsS -u "$admin" -H 'content-type: application/json' -X PUT "$api/$1" -d "$2" >/dev/null; }

while IFS=$'\t' read -r user configure write read topic_write topic_read; do
  [[ -z $user || $user == \#* ]] && continue
  var="$(tr '[:lower:]-' '[:upper:]_' <<<"$user")_PASSWORD"
  password="${!var:-}"
  [[ -z $password && ${LOCAL_PASSWORDS:-0} == 1 ]] && password="$user"
  if [[ -n $password ]]; then
    put "users/$user" "{\"password\":$(json "$password"),\"tags\":\"\"}"
  fi
  put "permissions/$vhost/$user" "{\"configure\":$(json "$configure"),\"write\":$(json "$write"),\"read\":$(json "$read")}"
  put "topic-permissions/$vhost/$user" "{\"exchange\":\"platform.events\",\"write\":$(json "$topic_write"),\"read\":$(json "$topic_read")}"
  echo "service-users.sh: $user ready on vhost $2"
done <"$table"
