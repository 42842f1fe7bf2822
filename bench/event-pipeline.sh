#!/usr/bin/env bash
# Event pipeline benchmark (issue 3): starts a private stack (durable PostgreSQL settings, no
# fsync shortcuts), builds Release, and prints events/s draining an outbox backlog through
# relay → RabbitMQ → consumer → inbox commit, and p50/p99 commit-to-commit latency at fixed rates.
# Usage: bench/event-pipeline.sh [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
set -euo pipefail
cd "$(dirname "$0")/.."
export STACK_DIR="$PWD/.stack/bench" PG_PORT="${PG_PORT:-15472}" AMQP_PORT="${AMQP_PORT:-5713}" RABBIT_NODE="${RABBIT_NODE:-bench@localhost}" PG_FAST=0
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
export BenchDbConnection="$MainDbAdminConnection"
dotnet build bench/EventPipelineBench -c Release -v q -nologo -clp:ErrorsOnly
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync on; RabbitMQ quorum queue"
dotnet bench/EventPipelineBench/bin/Release/net10.0/EventPipelineBench.dll "$@"
