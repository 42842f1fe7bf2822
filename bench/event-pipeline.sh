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
# A fresh stack every run: a queue left bound to donation.created by an earlier version of a tool
# (the bench queue's former name, bench-events, was still bound on these stacks) makes the broker
# store every event twice: 3 alternating 20,000-event drains with and without a second bound queue
# gave 30–45 µs more RabbitMQ CPU per event and 11–18 % less drain (2026-12-05).
bash scripts/stack.sh destroy
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
# shellcheck disable=SC2154 # MainDbAdminConnection comes from stack.sh env
export BenchDbConnection="$MainDbAdminConnection"
# The bench plays donation-service (the publisher of donation.created) under that service's broker
# user, so its consumer's publisher check passes as in the platform.
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
use_service_broker DonationService
# Published for linux-x64 as the apps are deployed: ReadyToRun (functions/AppRuntime.props).
dotnet publish bench/EventPipelineBench -c Release -r linux-x64 -o "$STACK_DIR/ours" -v q -nologo -clp:ErrorsOnly
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync on; RabbitMQ quorum queue"
DLL="$STACK_DIR/ours/EventPipelineBench.dll"
dotnet "$DLL" fill "${1:-50000}"
# Read right before bash forks and execs dotnet: the cold start's origin.
BENCH_SPAWN_UNIX_US="${EPOCHREALTIME//[.,]/}" dotnet "$DLL" run "$@"
