#!/usr/bin/env bash
# Deploys the four apps the way infra/ runs them: each app runs from <Service>.zip in the storage
# account's private container app-packages (WEBSITE_RUN_FROM_PACKAGE = the blob URL, fetched with the
# managed identity), so deploying = publish, zip, upload the blob, restart, sync triggers, then wait
# until /api/health/live and /api/health answer 200. azd's own function deployment (Kudu zipdeploy)
# is refused by an app that runs from a URL, hence this script instead of `services:` in azure.yaml.
#
# Run by the postprovision hook after scripts/migrate.sh (azd up / azd provision), or alone after a
# code change: `scripts/deploy-packages.sh` (reads `azd env get-values` when the azd outputs are not
# in the environment). Needs the Azure CLI signed in as the azd principal (`az login`), zip, curl;
# the principal gets Storage Blob Data Contributor on the account from the template (AZURE_PRINCIPAL_ID).
# Settings: HEALTH_TIMEOUT (seconds per app, default 300), UPLOAD_ATTEMPTS (default 10, 30 s apart:
# a role assigned by the same provisioning takes minutes to apply).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z ${AZURE_STORAGE_ACCOUNT_NAME:-} ]] && command -v azd >/dev/null; then
  eval "$(cd "$REPO" && azd env get-values)"
fi
for var in AZURE_STORAGE_ACCOUNT_NAME AZURE_RESOURCE_GROUP; do
  [[ -n ${!var:-} ]] || die "$var is not set: run through azd (hook) or after \`azd provision\`"
done
container="${AZURE_STORAGE_PACKAGE_CONTAINER:-app-packages}"
for tool in az zip curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# SERVICE_<AZD SERVICE NAME>_{NAME,URI}: DonationService -> SERVICE_DONATION_SERVICE_NAME
azd_var() { printf 'SERVICE_%s_SERVICE_%s' "$(tr '[:lower:]' '[:upper:]' <<<"${1%Service}")" "$2"; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
while read -r name _ _ _; do
  site_var="$(azd_var "$name" NAME)"
  site="${!site_var:-}"
  [[ -n $site ]] || die "$site_var is not set (azd output of infra/main.bicep)"

  log "$name: dotnet publish (Release)"
  # For the runtime the apps run on: ReadyToRun (functions/Directory.Build.props), a faster cold start.
  dotnet publish "$REPO/functions/$name/$name.csproj" -c Release -r linux-x64 -o "$out/$name" -v q -nologo -tl:off >"$out/$name.log" 2>&1 ||
    { cat "$out/$name.log" >&2; die "publish of $name failed"; }
  (cd "$out/$name" && zip -q -r -X "$out/$name.zip" .)

  log "$name: uploading $name.zip to $AZURE_STORAGE_ACCOUNT_NAME/$container"
  for ((attempt = 1; ; attempt++)); do
    if az storage blob upload --auth-mode login --only-show-errors --overwrite \
      --account-name "$AZURE_STORAGE_ACCOUNT_NAME" -c "$container" -n "$name.zip" -f "$out/$name.zip" >/dev/null; then
      break
    fi
    ((attempt < ${UPLOAD_ATTEMPTS:-10})) || die "upload of $name.zip failed $attempt times"
    warn "upload of $name.zip failed (attempt $attempt; a new role assignment may not apply yet); retrying in 30 s"
    sleep 30
  done

  # Same blob name: the app reads the package again only when it restarts; then the host's triggers
  # are synchronised with the platform (documented for packages deployed outside zipdeploy).
  log "$name: restarting $site and syncing its triggers"
  az functionapp restart --only-show-errors -g "$AZURE_RESOURCE_GROUP" -n "$site"
  site_id="$(az functionapp show --only-show-errors -g "$AZURE_RESOURCE_GROUP" -n "$site" --query id -o tsv)"
  az resource invoke-action --only-show-errors --action syncfunctiontriggers --ids "$site_id" >/dev/null
done < <(existing_services)

while read -r name _ _ _; do
  uri_var="$(azd_var "$name" URI)"
  uri="${!uri_var:?$uri_var is not set}"
  for path in /api/health/live /api/health; do
    deadline=$((SECONDS + ${HEALTH_TIMEOUT:-300}))
    until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$uri$path" || true)" == 200 ]]; do
      ((SECONDS < deadline)) || die "$name: $uri$path did not answer 200 within ${HEALTH_TIMEOUT:-300} s"
      sleep 5
    done
  done
  log "$name: $uri/api/health answers 200"
done < <(existing_services)
