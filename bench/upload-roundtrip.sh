#!/usr/bin/env bash
# Issue 16: the time of one upload-and-attach round trip as a frontend makes it, measured locally:
#   POST /api/uploads (slot) -> PUT the file to the SAS URL (Azurite) -> POST /api/donations/{id}/images.
# Prints p50/p90/p99/max in ms of the three requests together (the sum of curl's time_total of each,
# so process start-up of curl is not counted) and of each step, over N round trips after a warm-up.
# Needs a running stack with its env exported (eval "$(scripts/stack.sh env)"), migrated, and a
# Release build of donation-service. Starts its own donation-service on APP_PORT (default 17981).
# Settings: N (200), WARMUP (30), APP_PORT, FILE_BYTES (size of the PNG uploaded; default 100000).
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

N="${N:-200}" WARMUP="${WARMUP:-30}" APP_PORT="${APP_PORT:-17981}" FILE_BYTES="${FILE_BYTES:-100000}"
: "${BlobStorageConnection:?export the stack env first: eval \"\$(scripts/stack.sh env)\"}"
dll="$(service_dll DonationService)"
[[ -f $dll ]] || die "$dll not found: dotnet build Functions.sln -c Release first"
port_open "$APP_PORT" && die "port $APP_PORT is taken (set APP_PORT)"

work="$(mktemp -d)"
app_pid=
cleanup() {
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

use_development_environment # the local stack's http and amqp endpoints
use_rig_rate_limits # one address, a few users, thousands of requests a second: allowances no rig reaches, the limiter still measured
(cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$APP_PORT") >"$work/app.log" 2>&1 &
app_pid=$!
api="http://127.0.0.1:$APP_PORT/api"
for ((i = 0; i < 600; i++)); do
  curl -fsS "$api/health" >/dev/null 2>&1 && break
  proc_alive "$app_pid" || { cat "$work/app.log" >&2; die "donation-service exited"; }
  sleep 0.1
done

# A PNG-looking file of FILE_BYTES bytes.
{ printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'; head -c "$((FILE_BYTES - 16))" /dev/urandom; } >"$work/photo.png"

token="$("$REPO/scripts/mint-token.sh" "$(cat /proc/sys/kernel/random/uuid)" 2>/dev/null)"
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
curl -fsS "$api/profiles/me" "${auth[@]}" >/dev/null
curl -fsS -X PUT "$api/profiles/me" "${auth[@]}" -d '{"role":"donor"}' >/dev/null

json_field() { sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p"; }
donation=
: >"$work/times"
for ((i = 0; i < WARMUP + N; i++)); do
  if ((i % 5 == 0)); then # at most 5 photos per donation
    donation="$(curl -fsS -X POST "$api/donations" "${auth[@]}" -d '{"title":"Bench chair","category":"furniture"}' | json_field id | head -n1)"
  fi
  slot_t="$(curl -sS -o "$work/slot.json" -w '%{http_code} %{time_total}' -X POST "$api/uploads" "${auth[@]}" -d '{"kind":"donation_image"}')"
  [[ ${slot_t%% *} == 201 ]] || die "POST /api/uploads answered $(cat "$work/slot.json")"
  url="$(json_field upload_url <"$work/slot.json" | sed 's/\\u0026/\&/g')"
  blob="$(json_field blob_id <"$work/slot.json")"
  put_t="$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -X PUT "$url" -H 'x-ms-blob-type: BlockBlob' -H 'Content-Type: image/png' --data-binary @"$work/photo.png")"
  [[ ${put_t%% *} == 201 ]] || die "PUT to the upload URL answered ${put_t%% *}"
  attach_t="$(curl -sS -o "$work/attach.json" -w '%{http_code} %{time_total}' -X POST "$api/donations/$donation/images" "${auth[@]}" -d "{\"blob_id\":\"$blob\"}")"
  [[ ${attach_t%% *} == 200 ]] || die "attach answered $(cat "$work/attach.json")"
  ((i < WARMUP)) || echo "${slot_t#* } ${put_t#* } ${attach_t#* }" >>"$work/times"
done

percentiles() { # reads ms values sorted, prints p50 p90 p99 max
  awk '{ a[NR] = $1 } END { printf "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms\n", a[int(NR * 0.50 + 0.5)], a[int(NR * 0.90 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'
}
echo "upload-and-attach round trip, $N runs after $WARMUP warm-up, $FILE_BYTES-byte PNG, donation-service standalone + Azurite on this machine:"
for col in 4:total 1:slot 2:put 3:attach; do
  printf '  %-7s ' "${col#*:}"
  awk -v c="${col%%:*}" '{ v = (c == 4) ? $1 + $2 + $3 : $c; print v * 1000 }' "$work/times" | sort -n | percentiles
done
