#!/usr/bin/env bash
# azd postprovision hook (azd up, azd provision): migrations before code. First every service's
# `migrate` (schemas, then RabbitMQ queues and bindings; scripts/migrate.sh), then the packages
# (scripts/deploy-packages.sh), so that no app starts, and no relay publishes, before every queue
# exists. Any failure fails the azd command.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/migrate.sh"
"$here/deploy-packages.sh"
