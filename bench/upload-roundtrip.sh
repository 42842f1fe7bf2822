#!/usr/bin/env bash
# Issue 16: the time of one upload-and-attach round trip as a frontend makes it, measured locally,
# for every kind of file, each through the service that owns it:
#   donation_image         donation-service   POST /api/uploads -> PUT (Azurite) -> POST /api/donations/{id}/images
#   campaign_image         campaign-service   POST /api/uploads -> PUT (Azurite) -> POST /api/campaigns/{id}/images
#   verification_document  donation-service   POST /api/uploads -> PUT (Azurite) -> POST /api/profiles/me/verification
#   message_attachment     messaging-service  POST /api/uploads -> PUT (Azurite) -> POST /api/messages (sent with the picture)
# Prints, per kind, p50/p90/p99/max in ms of the three requests together (the sum of curl's
# time_total of each, so process start-up of curl is not counted) and of each step, over N round
# trips after a warm-up.
# Needs a running stack with its env exported (eval "$(scripts/stack.sh env)"), every service
# migrated, and a Release build. Starts its own donation-, campaign- and messaging-service on
# APP_PORT, APP_PORT+1, APP_PORT+2 (default 17981..17983); campaign-service learns that the bench's
# owner is verified through the broker (profile.verification_decided), as in production.
# Settings: N (200), WARMUP (30), APP_PORT, FILE_BYTES (size of the file uploaded; default 100000),
# KINDS (default all four, space-separated).
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

N="${N:-200}" WARMUP="${WARMUP:-30}" APP_PORT="${APP_PORT:-17981}" FILE_BYTES="${FILE_BYTES:-100000}"
KINDS="${KINDS:-donation_image campaign_image verification_document message_attachment}"
: "${BlobStorageConnection:?export the stack env first: eval \"\$(scripts/stack.sh env)\"}"
for ((p = APP_PORT; p < APP_PORT + 3; p++)); do
  port_open "$p" && die "port $p is taken (set APP_PORT)"
done

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

use_development_environment # the local stack's http and amqp endpoints
use_rig_rate_limits # one address, a few users, thousands of requests a second: allowances no rig reaches, the limiter still measured

# start_app NAME PORT: a service standalone on PORT, waited for until healthy.
start_app() {
  local dll pid i
  dll="$(service_dll "$1")"
  [[ -f $dll ]] || die "$dll not found: dotnet build Functions.sln -c Release first"
  (use_service_broker "$1" && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$2") >"$work/$1.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for ((i = 0; i < 600; i++)); do
    curl -fsS "http://127.0.0.1:$2/api/health" >/dev/null 2>&1 && return 0
    proc_alive "$pid" || { cat "$work/$1.log" >&2; die "$1 exited"; }
    sleep 0.1
  done
  die "$1 did not become healthy on port $2"
}
start_app DonationService "$APP_PORT"
start_app CampaignService "$((APP_PORT + 1))"
start_app MessagingService "$((APP_PORT + 2))"
donations="http://127.0.0.1:$APP_PORT/api"
campaigns="http://127.0.0.1:$((APP_PORT + 1))/api"
messages="http://127.0.0.1:$((APP_PORT + 2))/api"

# Files whose first bytes are a PNG's and a PDF's, FILE_BYTES bytes each.
{ printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'; head -c "$((FILE_BYTES - 16))" /dev/urandom; } >"$work/photo.png"
{ printf '%%PDF-1.7\n'; head -c "$((FILE_BYTES - 9))" /dev/urandom; } >"$work/document.pdf"

new_id() { cat /proc/sys/kernel/random/uuid; }
json_field() { sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p"; }
auth_of() { printf 'Authorization: Bearer %s' "$("$REPO/scripts/mint-token.sh" "$1" "$2" ${3:+"$3"} 2>/dev/null)"; }
json=(-H 'Content-Type: application/json')
admin_id="$(new_id)"
admin=(-H "$(auth_of "$admin_id" bench-admin@example.com admin)")

# A donor, a recipient who asks to be verified (and stays "requested": each request replaces the last),
# and a verified campaign owner.
donor_id="$(new_id)" recipient_id="$(new_id)" owner_id="$(new_id)"
donor=(-H "$(auth_of "$donor_id" bench-donor@example.com)")
recipient=(-H "$(auth_of "$recipient_id" bench-recipient@example.com)")
owner=(-H "$(auth_of "$owner_id" bench-owner@example.com)")
curl -fsS "$donations/profiles/me" "${donor[@]}" >/dev/null
curl -fsS -X PUT "$donations/profiles/me" "${donor[@]}" "${json[@]}" -d '{"role":"donor"}' >/dev/null
for user in recipient owner; do
  declare -n who="$user"
  curl -fsS "$donations/profiles/me" "${who[@]}" >/dev/null
  curl -fsS -X PUT "$donations/profiles/me" "${who[@]}" "${json[@]}" -d '{"role":"recipient"}' >/dev/null
  unset -n who
done

# upload API USER_ARRAY KIND FILE TYPE: one slot and one PUT; sets $blob and appends "slot put" times to $step.
upload() {
  local api="$1" kind="$3" file="$4" type="$5" slot_t put_t url
  local -n as="$2"
  slot_t="$(curl -sS -o "$work/slot.json" -w '%{http_code} %{time_total}' -X POST "$api/uploads" "${as[@]}" "${json[@]}" -d "{\"kind\":\"$kind\"}")"
  [[ ${slot_t%% *} == 201 ]] || die "POST $api/uploads ($kind) answered ${slot_t%% *}: $(cat "$work/slot.json")"
  url="$(json_field upload_url <"$work/slot.json" | sed 's/\\u0026/\&/g')"
  blob="$(json_field blob_id <"$work/slot.json")"
  put_t="$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -X PUT "$url" -H 'x-ms-blob-type: BlockBlob' -H "Content-Type: $type" --data-binary @"$file")"
  [[ ${put_t%% *} == 201 ]] || die "PUT to the $kind upload URL answered ${put_t%% *}"
  step="${slot_t#* } ${put_t#* }"
}

# attach METHOD URL USER_ARRAY BODY STATUS: the attaching request; appends its time to $step.
attach() {
  local t
  local -n as="$3"
  t="$(curl -sS -o "$work/attach.json" -w '%{http_code} %{time_total}' -X "$1" "$2" "${as[@]}" "${json[@]}" -d "$4")"
  [[ ${t%% *} == "$5" ]] || die "$1 $2 answered ${t%% *}: $(cat "$work/attach.json")"
  step="$step ${t#* }"
}

# The owner is verified: a document, a request, an admin's approval; campaign-service hears of it through the broker.
upload "$donations" owner verification_document "$work/document.pdf" application/pdf
attach POST "$donations/profiles/me/verification" owner "{\"document_ids\":[\"$blob\"]}" 200
curl -fsS -X POST "$donations/admin/profiles/$owner_id/verification" "${admin[@]}" "${json[@]}" -d '{"decision":"approve"}' >/dev/null
for ((i = 0; ; i++)); do
  code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$campaigns/uploads" "${owner[@]}" "${json[@]}" -d '{"kind":"campaign_image"}')"
  [[ $code == 201 ]] && break
  ((i < 300)) || die "campaign-service did not learn that the owner is verified within 30 s (last answer $code)"
  sleep 0.1
done

percentiles() { # reads ms values sorted, prints p50 p90 p99 max
  awk '{ a[NR] = $1 } END { printf "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms\n", a[int(NR * 0.50 + 0.5)], a[int(NR * 0.90 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'
}

echo "upload-and-attach round trips, $N runs per kind after $WARMUP warm-up, $FILE_BYTES-byte files, services standalone + Azurite on this machine:"
for kind in $KINDS; do
  parent= receiver="$(new_id)"
  : >"$work/times"
  for ((i = 0; i < WARMUP + N; i++)); do
    case $kind in
      donation_image)
        if ((i % 5 == 0)); then # at most 5 photos per donation
          parent="$(curl -fsS -X POST "$donations/donations" "${donor[@]}" "${json[@]}" -d '{"title":"Bench chair","category":"furniture"}' | json_field id | head -n1)"
        fi
        upload "$donations" donor donation_image "$work/photo.png" image/png
        attach POST "$donations/donations/$parent/images" donor "{\"blob_id\":\"$blob\"}" 200
        ;;
      campaign_image)
        if ((i % 5 == 0)); then # at most 5 images per campaign
          parent="$(curl -fsS -X POST "$campaigns/campaigns" "${owner[@]}" "${json[@]}" -d '{"title":"Bench campaign","category":"community","goal_amount":100}' | json_field id | head -n1)"
        fi
        upload "$campaigns" owner campaign_image "$work/photo.png" image/png
        attach POST "$campaigns/campaigns/$parent/images" owner "{\"blob_id\":\"$blob\"}" 200
        ;;
      verification_document)
        upload "$donations" recipient verification_document "$work/document.pdf" application/pdf
        attach POST "$donations/profiles/me/verification" recipient "{\"document_ids\":[\"$blob\"]}" 200
        ;;
      message_attachment)
        upload "$messages" donor message_attachment "$work/photo.png" image/png
        attach POST "$messages/messages" donor "{\"receiver_id\":\"$receiver\",\"content\":\"A picture\",\"attachment_ids\":[\"$blob\"]}" 201
        ;;
      *) die "unknown kind $kind (KINDS: donation_image campaign_image verification_document message_attachment)" ;;
    esac
    ((i < WARMUP)) || echo "$step" >>"$work/times"
  done
  echo "$kind:"
  for col in 4:total 1:slot 2:put 3:attach; do
    printf '  %-7s ' "${col#*:}"
    awk -v c="${col%%:*}" '{ v = (c == 4) ? $1 + $2 + $3 : $c; print v * 1000 }' "$work/times" | sort -n | percentiles
  done
done
