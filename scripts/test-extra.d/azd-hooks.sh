#!/usr/bin/env bash
# Checks the azd hooks (scripts/test.sh runs it after dotnet test, with the test stack's env
# exported; it also runs alone after `eval "$(scripts/stack.sh env)"` and a Release build):
#   1. every hook named in azure.yaml (`run:` under `hooks:`) is a file in the repository that is
#      executable (azd executes a `shell: sh` hook's file directly on Linux and macOS), starts with
#      a bash shebang and parses (`bash -n`); a self-test feeds the check an
#      azure.yaml naming a missing and a non-executable script and expects both to be caught;
#   2. the postprovision hook runs scripts/migrate.sh before scripts/deploy-packages.sh (migrations
#      before code), and migrate.sh migrates through lib.sh's migrate_services, as scripts/run.sh does;
#   3. scripts/migrate.sh itself, run against the stack: every service migrated, in the order of
#      SERVICE_TABLE (the order run.sh migrates in); a second run succeeds (idempotent), so does a
#      third with azd's variable names only; a run with an unreachable database fails (non-zero exit);
#   4. scripts/deploy-packages.sh with a stand-in `az` (it records its arguments and the zip it is
#      given) and the four SERVICE_*_URI pointing at donation-service started standalone on the
#      stack: each app is published, zipped with host.json, functions.metadata and its dll at the
#      root, uploaded to app-packages/<Service>.zip with --auth-mode login, restarted and synced,
#      and the script waits for /api/health/live and /api/health. Nothing reaches Azure.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

failures=0
fail() {
  log "FAIL: $*"
  failures=$((failures + 1))
}

# hook_scripts AZURE_YAML : the `run:` values of its top-level hooks section, one per line.
hook_scripts() {
  awk '
    /^[^ #]/ { in_hooks = ($0 ~ /^hooks:/) }
    in_hooks && /^ +run: / { sub(/^ +run: +/, ""); gsub(/["\047]/, ""); print }' "$1"
}

# check_hooks AZURE_YAML ROOT : prints one problem per line; nothing when every hook is sound.
check_hooks() {
  local yaml="$1" root="$2" run count=0
  while read -r run; do
    count=$((count + 1))
    if [[ ! -f $root/$run ]]; then
      echo "azure.yaml names hook '$run', which does not exist"
    elif [[ ! -x $root/$run ]]; then
      echo "hook '$run' is not executable (git update-index --chmod=+x)"
    elif ! head -n1 "$root/$run" | grep -qE '^#!/usr/bin/env bash$|^#!/bin/bash$'; then
      echo "hook '$run' does not start with a bash shebang"
    elif ! bash -n "$root/$run" 2>/dev/null; then
      echo "hook '$run' does not parse (bash -n)"
    fi
  done < <(hook_scripts "$yaml")
  ((count > 0)) || echo "azure.yaml has no hooks"
}

# --- 1. the hooks azure.yaml names --------------------------------------------------------------
mapfile -t hooks < <(hook_scripts "$REPO/azure.yaml")
problems="$(check_hooks "$REPO/azure.yaml" "$REPO")"
[[ -z $problems ]] || while read -r p; do fail "$p"; done <<<"$problems"
for wanted in scripts/azd-preprovision.sh scripts/azd-postprovision.sh scripts/azd-postdown.sh; do
  [[ " ${hooks[*]} " == *" $wanted "* ]] || fail "azure.yaml does not run $wanted"
done

# self-test of the check: a missing and a non-executable hook must both be reported
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/scripts"
printf '#!/usr/bin/env bash\ntrue\n' >"$scratch/scripts/plain.sh" # not executable
printf 'hooks:\n  postprovision:\n    run: scripts/missing.sh\n  postdown:\n    run: scripts/plain.sh\n' >"$scratch/azure.yaml"
self="$(check_hooks "$scratch/azure.yaml" "$scratch")"
grep -q "missing.sh', which does not exist" <<<"$self" || fail "self-test: a missing hook went unnoticed"
grep -q "plain.sh' is not executable" <<<"$self" || fail "self-test: a non-executable hook went unnoticed"

# --- 2. migrations before code, the same migrate as run.sh ------------------------------------
post="$REPO/scripts/azd-postprovision.sh"
migrate_line="$(grep -n 'migrate\.sh' "$post" | head -n1 | cut -d: -f1)"
deploy_line="$(grep -n 'deploy-packages\.sh' "$post" | head -n1 | cut -d: -f1)"
if [[ -z $migrate_line || -z $deploy_line ]] || ((migrate_line > deploy_line)); then
  fail "scripts/azd-postprovision.sh must run migrate.sh before deploy-packages.sh"
fi
for script in scripts/run.sh scripts/migrate.sh; do
  grep -qE '^\s*migrate_services\s*$' "$REPO/$script" || fail "$script does not migrate through lib.sh's migrate_services"
  ! grep -vE '^\s*#' "$REPO/$script" | grep -qE 'dotnet .*\.dll"? migrate' || fail "$script runs migrate itself instead of through migrate_services"
done

# --- 3. the hook against the stack --------------------------------------------------------------
if [[ -z ${DonationDbConnection:-} || -z ${RabbitMQConnection:-} ]]; then
  fail "no stack settings in the environment: run under scripts/test.sh, or eval \"\$(scripts/stack.sh env)\" first"
else
  expected="$(existing_services | awk '{ print $1 }' | paste -sd' ')"
  for run in 1 2; do
    out="$scratch/migrate-$run.log"
    if SKIP_BUILD=1 "$REPO/scripts/migrate.sh" 2>"$out"; then
      order="$(sed -nE 's/.*\] migrating ([A-Za-z]+) .*/\1/p' "$out" | paste -sd' ')"
      [[ $order == "$expected" ]] || fail "run $run of migrate.sh migrated '$order', expected '$expected' (SERVICE_TABLE, run.sh's order)"
    else
      cat "$out" >&2
      fail "run $run of scripts/migrate.sh failed against the stack"
    fi
  done
  # under azd the settings arrive with azd's names (infra/main.parameters.json): the same migrations
  if ! env -u DonationDbConnection -u RequestDbConnection -u CampaignDbConnection -u MessagingDbConnection -u RabbitMQConnection \
    DONATION_DB_CONNECTION="$DonationDbConnection" REQUEST_DB_CONNECTION="$RequestDbConnection" \
    CAMPAIGN_DB_CONNECTION="$CampaignDbConnection" MESSAGING_DB_CONNECTION="$MessagingDbConnection" \
    RABBITMQ_CONNECTION="$RabbitMQConnection" SKIP_BUILD=1 "$REPO/scripts/migrate.sh" 2>"$scratch/azd-names.log"; then
    cat "$scratch/azd-names.log" >&2
    fail "scripts/migrate.sh failed with azd's variable names (DONATION_DB_CONNECTION, ..., RABBITMQ_CONNECTION)"
  fi
  # an unreachable database must fail the hook (and so the deployment)
  bad="Host=127.0.0.1;Port=1;Database=main;Username=postgres;Password=postgres;Timeout=2"
  if DonationDbConnection="$bad" SKIP_BUILD=1 "$REPO/scripts/migrate.sh" 2>"$scratch/bad.log"; then
    fail "scripts/migrate.sh exited 0 with an unreachable database"
  fi
fi

# --- 4. the deployment half of the hook, against a stand-in az ----------------------------------
deployed=""
if [[ -n ${DonationDbConnection:-} && -n ${RabbitMQConnection:-} ]]; then
  ensure_packages zip unzip
  mkdir -p "$scratch/bin"
  cat >"$scratch/bin/az" <<'AZ'
#!/usr/bin/env bash
# stand-in for the Azure CLI: records each call; for an upload, the zip's root entries
printf 'az %s\n' "$*" >>"$AZ_LOG"
case "$*" in
  *"functionapp show"*) echo "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Web/sites/${*: -5:1}" ;;
  *"storage blob upload"*)
    while (($#)); do [[ $1 == -f ]] && unzip -Z1 "$2" | grep -v / | sort | tr '\n' ' ' | sed 's/^/  root: /' >>"$AZ_LOG" && echo >>"$AZ_LOG"; shift; done ;;
esac
AZ
  chmod +x "$scratch/bin/az"
  port=$((20000 + RANDOM % 9000))
  while port_open "$port"; do port=$((port + 1)); done
  dll="$(service_dll DonationService)"
  (use_development_environment && use_service_broker DonationService && cd "$(dirname "$dll")" && exec dotnet "$dll" --standalone --urls "http://127.0.0.1:$port") >"$scratch/app.log" 2>&1 &
  app_pid=$!
  uri="http://127.0.0.1:$port"
  export AZ_LOG="$scratch/az.log"
  if PATH="$scratch/bin:$PATH" AZURE_STORAGE_ACCOUNT_NAME=sttest AZURE_RESOURCE_GROUP=rg-test HEALTH_TIMEOUT=60 \
    SERVICE_DONATION_SERVICE_NAME=func-donation-test SERVICE_DONATION_SERVICE_URI="$uri" \
    SERVICE_REQUEST_SERVICE_NAME=func-request-test SERVICE_REQUEST_SERVICE_URI="$uri" \
    SERVICE_CAMPAIGN_SERVICE_NAME=func-campaign-test SERVICE_CAMPAIGN_SERVICE_URI="$uri" \
    SERVICE_MESSAGING_SERVICE_NAME=func-messaging-test SERVICE_MESSAGING_SERVICE_URI="$uri" \
    "$REPO/scripts/deploy-packages.sh" 2>"$scratch/deploy.log"; then
    while read -r name _ _ _; do
      site="func-$(tr '[:upper:]' '[:lower:]' <<<"${name%Service}")-test"
      grep -q -- "storage blob upload --auth-mode login .* --account-name sttest -c app-packages -n $name.zip " "$AZ_LOG" ||
        fail "deploy-packages.sh did not upload $name.zip to app-packages with --auth-mode login"
      grep -A1 -- "-n $name.zip " "$AZ_LOG" | grep -q "host.json .*$name.dll\|$name.dll .*host.json" ||
        fail "$name.zip lacks host.json or $name.dll at its root"
      grep -A1 -- "-n $name.zip " "$AZ_LOG" | grep -q "functions.metadata" || fail "$name.zip lacks functions.metadata at its root"
      grep -q -- "functionapp restart .* -n $site\$" "$AZ_LOG" || fail "deploy-packages.sh did not restart $site"
      grep -q -- "syncfunctiontriggers --ids .*/sites/$site\$" "$AZ_LOG" || fail "deploy-packages.sh did not sync the triggers of $site"
    done < <(existing_services)
    deployed="; deploy-packages.sh published, uploaded, restarted and synced $(existing_services | wc -l) apps through a stand-in az and waited for their health"
  else
    cat "$scratch/deploy.log" "$scratch/app.log" >&2
    fail "scripts/deploy-packages.sh failed against a stand-in az"
  fi
  kill "$app_pid" 2>/dev/null || true
  wait_gone "$app_pid" 10 || kill -KILL "$app_pid" 2>/dev/null || true
fi

if ((failures > 0)); then
  die "$failures azd hook check(s) failed"
fi
log "${#hooks[@]} azd hooks present, executable, bash, parsed; self-test caught a missing and a non-executable hook; postprovision migrates before deploying; migrate.sh ran twice against the stack in order: $expected, a third time with azd's variable names; failed on an unreachable database$deployed"
