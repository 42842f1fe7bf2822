#!/usr/bin/env bash
# Prints a Supabase-style HS256 access token for local use (bash + openssl only).
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/mint-token.sh <user-id|new> [email] [role]
  Prints a Supabase-style access token (HS256 JWT) signed with SUPABASE_JWT_SECRET.
  user-id  a uuid, or "new" for a random one (printed on stderr)
  email    default user-<first 8 hex digits of the id>@example.com
  role     an application role put in app_metadata.role, e.g. admin (default: none)
Environment: SUPABASE_JWT_SECRET (default: the local stack's secret),
  SUPABASE_URL (default http://127.0.0.1:54321; iss is $SUPABASE_URL/auth/v1),
  TOKEN_TTL (seconds, default 3600).
Example: curl -H "Authorization: Bearer $(scripts/mint-token.sh new you@example.com)" ...
EOF
}

[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
(($# >= 1 && $# <= 3)) || { usage >&2; exit 2; }

secret="${SUPABASE_JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}"
url="${SUPABASE_URL:-http://127.0.0.1:54321}"
ttl="${TOKEN_TTL:-3600}"
uuid_re='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

sub="$1"
if [[ $sub == new ]]; then
  sub="$(cat /proc/sys/kernel/random/uuid)"
  echo "user id: $sub" >&2
fi
[[ $sub =~ $uuid_re ]] || { echo "mint-token: user id must be a uuid (or \"new\"): $sub" >&2; exit 2; }
sub="${sub,,}"
email="${2:-user-${sub:0:8}@example.com}"
role="${3:-}"
[[ $role =~ ^[A-Za-z0-9_-]*$ ]] || { echo "mint-token: role must be a plain word: $role" >&2; exit 2; }
[[ $ttl =~ ^[0-9]+$ ]] || { echo "mint-token: TOKEN_TTL must be a number of seconds" >&2; exit 2; }

json_string() { # a JSON string literal for $1
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now="$(date +%s)"
app_metadata='{"provider":"email","providers":["email"]'
[[ -n $role ]] && app_metadata+=",\"role\":$(json_string "$role")"
app_metadata+='}'
payload="{\"iss\":$(json_string "$url/auth/v1"),\"aud\":\"authenticated\",\"sub\":\"$sub\""
payload+=",\"email\":$(json_string "$email"),\"role\":\"authenticated\""
payload+=",\"app_metadata\":$app_metadata,\"user_metadata\":{}"
payload+=",\"iat\":$now,\"exp\":$((now + ttl)),\"session_id\":\"$(cat /proc/sys/kernel/random/uuid)\"}"

signing_input="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url).$(printf '%s' "$payload" | b64url)"
signature="$(printf '%s' "$signing_input" | openssl dgst -sha256 -mac HMAC -macopt "key:$secret" -binary | b64url)"
printf '%s.%s\n' "$signing_input" "$signature"
