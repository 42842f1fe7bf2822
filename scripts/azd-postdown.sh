#!/usr/bin/env bash
# azd postdown hook: the deleted vault stays soft-deleted and, with purge protection, keeps its name
# reserved for the retention period (7 days); a new KEY_VAULT_SEED gives the next `azd up` of this
# environment a vault of another name instead of a conflict.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seed="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
azd env set KEY_VAULT_SEED "$seed"
log "KEY_VAULT_SEED renewed ($seed): the next azd up creates a new Key Vault name"
