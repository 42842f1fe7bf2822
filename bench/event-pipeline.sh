#!/usr/bin/env bash
# Event pipeline benchmark (issue 3): starts a private stack (durable PostgreSQL settings, no
# fsync shortcuts), builds Release, commits a backlog to the outbox (`fill`, its own process), then in
# a fresh process (`run`) prints the cold start (process start, read here just before `dotnet` is
# spawned → first backlog event's inbox commit), events/s draining the backlog through relay →
# RabbitMQ → consumer → inbox commit (all N committed, or the run fails), and p50/p99
# commit-to-commit latency at fixed rates. The same definitions as bench/event-peers.sh.
# Usage: bench/event-pipeline.sh [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
set -euo pipefail
cd "$(dirname "$0")/.."
export STACK_DIR="$PWD/.stack/bench" PG_PORT="${PG_PORT:-15472}" AMQP_PORT="${AMQP_PORT:-5713}" RABBIT_NODE="${RABBIT_NODE:-bench@localhost}" PG_FAST=0
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
# shellcheck disable=SC2154 # MainDbAdminConnection comes from stack.sh env
export BenchDbConnection="$MainDbAdminConnection"
dotnet build bench/EventPipelineBench -c Release -v q -nologo -clp:ErrorsOnly
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync on; RabbitMQ quorum queue"
DLL=bench/EventPipelineBench/bin/Release/net10.0/EventPipelineBench.dll
dotnet "$DLL" fill "${1:-50000}"
# Read right before bash forks and execs dotnet: the cold start's origin.
BENCH_SPAWN_UNIX_US="${EPOCHREALTIME//[.,]/}" dotnet "$DLL" run "$@"
