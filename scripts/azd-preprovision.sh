#!/usr/bin/env bash
# azd preprovision hook: gives the environment its Key Vault seed once (KEY_VAULT_SEED, part of the
# vault name, infra/resources.bicep); later provisions keep it, so the vault keeps its name.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z ${KEY_VAULT_SEED:-} ]]; then
  seed="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  azd env set KEY_VAULT_SEED "$seed"
  log "KEY_VAULT_SEED set to $seed for this environment"
fi
