#!/usr/bin/env bash
# Two instances of a service against one: the same backlog committed to one outbox, drained through
# relay → RabbitMQ (one quorum queue) → consumer → inbox commit by 1 and by 2 processes of
# EventPipelineBench (`drain`, each process a whole service as the apps host it: relay and consumer).
# Prints each run and the median events/s per instance count; every run also checks that each event
# was committed exactly once (the per-instance counts add up to the backlog, no repeats, outbox all
# sent), so a double or a loss fails the script. Figures only: nothing here asserts a speed.
# Usage: bench/two-instances.sh [backlog=20000] [rounds=3]
# Stack: its own (STACK_DIR default .stack/bench-two, ports PG_PORT 15482, AMQP_PORT 5723); an
# existing stack is reused when these point at it; KEEP_STACK=1 leaves it running.
set -euo pipefail
cd "$(dirname "$0")/.."
backlog="${1:-20000}"
rounds="${2:-3}"
export STACK_DIR="${STACK_DIR:-$PWD/.stack/bench-two}" PG_PORT="${PG_PORT:-15482}" AMQP_PORT="${AMQP_PORT:-5723}" \
  RABBIT_NODE="${RABBIT_NODE:-benchtwo@localhost}" PG_FAST="${PG_FAST:-0}"
bash scripts/stack.sh up
[[ ${KEEP_STACK:-0} == 1 ]] || trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
# shellcheck disable=SC2154 # MainDbAdminConnection comes from stack.sh env
export BenchDbConnection="$MainDbAdminConnection"
# The bench plays donation-service (the publisher of donation.created) under that service's broker
# user, so its consumer's publisher check passes as in the platform.
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
use_service_broker DonationService
dotnet build bench/EventPipelineBench -c Release -v q -nologo -clp:ErrorsOnly
DLL=bench/EventPipelineBench/bin/Release/net10.0/EventPipelineBench.dll
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL PG_FAST=$PG_FAST; RabbitMQ quorum queue; backlog $backlog; $rounds rounds, 1 and 2 instances alternating"

declare -A figures=([1]="" [2]="")
for ((round = 1; round <= rounds; round++)); do
  for instances in 1 2; do
    dotnet "$DLL" fill "$backlog" >/dev/null
    out="$(dotnet "$DLL" drain "$backlog" "$instances")" || { printf '%s\n' "$out"; echo "FAILED: round $round, $instances instance(s)" >&2; exit 1; }
    grep -a '^drain:' <<<"$out" || true
    line="$(sed -n 's/^RESULT drain_instances //p' <<<"$out")"
    [[ -n $line ]] || { echo "FAILED: round $round, $instances instance(s)" >&2; exit 1; }
    read -r _ rate shares <<<"$line"
    figures[$instances]+="$rate "
    echo "round $round: $instances instance(s): $rate events/s (per instance: $shares)"
  done
done

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
m1="$(median "${figures[1]}")"
m2="$(median "${figures[2]}")"
echo "| instances | runs (events/s) | median events/s |"
echo "|---:|---|---:|"
echo "| 1 | ${figures[1]% } | $m1 |"
echo "| 2 | ${figures[2]% } | $m2 |"
echo "RESULT two_instances_vs_one $(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f", b / a }')"
