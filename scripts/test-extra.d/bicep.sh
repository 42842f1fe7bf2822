#!/usr/bin/env bash
# Checks the Bicep under infra/ (scripts/test.sh runs it after dotnet test; it also runs alone):
#   1. gets the Bicep CLI from NuGet (`dotnet restore tools/BicepCli`, a PackageDownload; no network
#      other than NuGet, no Azure CLI);
#   2. `bicep build` of every .bicep file into a temporary folder (compiled JSON is never kept);
#   3. `bicep lint` of every file: any warning or error fails (bicep exits 0 on warnings, so stderr
#      is checked too);
#   4. infra/main.parameters.json names only parameters of main.bicep, and every parameter without
#      a default; the parameters without a default are exactly the documented minimum for
#      `azd up --no-prompt` (SUPABASE_JWT_SECRET, empty for JWKS-only projects, is not among them);
#   4b. the media account (photos and documents, issue 16) has its four containers (two public-read,
#      two private), no shared keys, CORS for PUT/GET, and the apps' Storage Blob Data Contributor role;
#   5. every app setting in local.settings.sample.json is set by the Bicep too (AzureWebJobsStorage
#      as its identity-based AzureWebJobsStorage__accountName form, BlobStorageConnection as
#      BlobStorageUrl: no account key in Azure), and its Host.CORS is the same
#      origin list as its CORS_ALLOWED_ORIGINS. (That every setting the *code* reads is a Bicep app
#      setting is tests/Platform.Hosting.Tests/Hosting/SettingsCoverageTests.cs.)
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

BICEP_VERSION=0.49.2
INFRA="$REPO/infra"
[[ -d $INFRA ]] || die "no infra/ folder"

# --- the CLI ----------------------------------------------------------------------------------
packages="${NUGET_PACKAGES:-}"
if [[ -z $packages ]]; then
  packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
fi
bicep="${packages%/}/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
if [[ ! -f $bicep ]]; then
  log "restoring the Bicep CLI $BICEP_VERSION (tools/BicepCli)"
  restore_log="$(mktemp)"
  dotnet restore "$REPO/tools/BicepCli/BicepCli.csproj" -nologo -v q >"$restore_log" 2>&1 ||
    { cat "$restore_log" >&2; die "dotnet restore of tools/BicepCli failed"; }
  rm -f "$restore_log"
fi
[[ -f $bicep ]] || die "the Bicep CLI is not at $bicep after the restore"
[[ -x $bicep ]] || chmod +x "$bicep"
version="$("$bicep" --version)"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failures=0
fail() {
  log "FAIL: $*"
  failures=$((failures + 1))
}

# --- build and lint ---------------------------------------------------------------------------
mapfile -t files < <(cd "$REPO" && find infra -name '*.bicep' -type f | sort)
((${#files[@]} > 0)) || die "no .bicep files under infra/"
for file in "${files[@]}"; do
  for step in build lint; do
    args=("$step" "$REPO/$file")
    [[ $step == build ]] && args+=(--outdir "$out/$(dirname "$file")")
    mkdir -p "$out/$(dirname "$file")"
    rc=0
    diagnostics="$("$bicep" "${args[@]}" 2>&1 >/dev/null)" || rc=$?
    if ((rc != 0)) || grep -qE ' : (Warning|Error) ' <<<"$diagnostics"; then
      printf '%s\n' "$diagnostics" >&2
      fail "bicep $step $file (exit $rc)"
    fi
  done
done

# --- the media account (issue 16): containers, public access, CORS, the apps' role, no keys ------
media="$out/infra/modules/media-storage.json"
if [[ -f $media ]]; then
  compact="$(tr -d ' \n' <"$media")"
  for expected in '"publicContainers":["donation-images","campaign-images"]' '"privateContainers":["verification-documents","message-attachments"]' \
    '"publicAccess":"Blob"' '"publicAccess":"None"' '"allowSharedKeyAccess":false' '"corsRules":' \
    "'allowedMethods',createArray('GET','HEAD','PUT','OPTIONS')" "ba92f5b4-2d11-453d-a403-e96b0029c9fe"; do
    grep -qF -- "$expected" <<<"$compact" || fail "media-storage.bicep compiles without $expected"
  done
  grep -qE "^ *BlobStorageUrl: media\.outputs\.blobEndpoint" "$INFRA/resources.bicep" || fail "resources.bicep does not give the apps BlobStorageUrl"
else
  fail "infra/modules/media-storage.bicep was not built"
fi

# --- main.parameters.json against main.bicep's parameters --------------------------------------
mapfile -t declared < <(sed -nE 's/^param ([A-Za-z0-9_]+) .*/\1/p' "$INFRA/main.bicep")
mapfile -t required < <(sed -nE '/=/!s/^param ([A-Za-z0-9_]+) [A-Za-z]+ *$/\1/p' "$INFRA/main.bicep")
mapfile -t given < <(sed -nE 's/^    "([A-Za-z0-9_]+)": \{.*/\1/p' "$INFRA/main.parameters.json")
for name in "${given[@]}"; do
  [[ " ${declared[*]} " == *" $name "* ]] || fail "main.parameters.json sets '$name', which main.bicep does not declare"
done
for name in "${required[@]}"; do
  [[ " ${given[*]} " == *" $name "* ]] || fail "main.bicep's parameter '$name' has no default and is missing from main.parameters.json"
done
# `azd up --no-prompt` must work with only these set (docs/DEPLOYMENT.md, Steps): azd prompts for a
# parameter without a default whose variable is empty, so nothing else may lack a default — in
# particular supabaseJwtSecret, empty for JWKS-only Supabase projects.
no_prompt_minimum="environmentName location supabaseUrl donationDbConnection requestDbConnection campaignDbConnection messagingDbConnection rabbitMqDonationConnection rabbitMqRequestConnection rabbitMqCampaignConnection rabbitMqMessagingConnection"
[[ "${required[*]}" == "$no_prompt_minimum" ]] ||
  fail "main.bicep's parameters without a default are '${required[*]}', expected exactly '$no_prompt_minimum' (azd up --no-prompt)"

# --- every local setting has its Azure counterpart --------------------------------------------
# the keys of "Values": lines of the form `    "Name": ...` after it, up to its closing brace
mapfile -t settings < <(sed -n '/"Values": {/,/^  }/p' "$REPO/local.settings.sample.json" | sed -nE 's/^    "([A-Za-z0-9_]+)": .*/\1/p')
for name in "${settings[@]}"; do
  azure_name="$name"
  [[ $name == AzureWebJobsStorage ]] && azure_name=AzureWebJobsStorage__accountName
  [[ $name == BlobStorageConnection ]] && azure_name=BlobStorageUrl # Azurite's key locally; the managed identity in Azure
  grep -rqE "^ *(\"|')?$azure_name(\"|')?: " "$INFRA" --include='*.bicep' ||
    fail "local.settings.sample.json has '$name' but no Bicep app setting '$azure_name'"
done

# Core Tools answers CORS from Host.CORS: it must be the same list as CORS_ALLOWED_ORIGINS.
host_cors="$(sed -nE 's/^    "CORS": "(.*)",?$/\1/p' "$REPO/local.settings.sample.json")"
app_cors="$(sed -nE 's/^    "CORS_ALLOWED_ORIGINS": "(.*)",?$/\1/p' "$REPO/local.settings.sample.json")"
[[ $host_cors == "$app_cors" ]] ||
  fail "local.settings.sample.json: Host.CORS ($host_cors) differs from CORS_ALLOWED_ORIGINS ($app_cors)"

if ((failures > 0)); then
  die "$failures Bicep check(s) failed"
fi
log "$version: built and linted ${#files[@]} files with no warning (${files[*]}); main.parameters.json covers ${#required[@]} required of ${#declared[@]} parameters; ${#settings[@]} local settings all set in Azure; Host.CORS = CORS_ALLOWED_ORIGINS"
