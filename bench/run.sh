#!/usr/bin/env bash
# The whole benchmark (issue 8) in one command: installs what is missing, then runs, one after the
# other on private stacks of their own (durable PostgreSQL, RabbitMQ quorum queues, Release builds):
#   1. bench/http/run.sh      each service's GET by id, list page and create beside a raw ASP.NET Core
#                             + Npgsql app running the same SQL; start-to-ready and memory of all four;
#   2. bench/event-peers.sh   the event pipeline beside a raw RabbitMQ.Client loop and Wolverine 6.62's
#                             durable outbox/inbox: drain, latency at 300 and 1,000 events/s, cold start
#                             to first handled event, memory.
# Prints figures and never fails on speed. Run it on a quiet machine: everything shares the cores.
# Takes about 30 minutes with the defaults; settings of the two parts pass through (BENCH_WARMUP,
# BENCH_DURATION, BENCH_SERVICES, STARTUP_RUNS, ... and PEERS_ARGS="backlog warmup seconds rates").
# Results: .stack/bench-results/<UTC time>/ (both parts' TSV files and summary.md); logs stay in
# .stack/bench-http and .stack/bench-peers.
set -euo pipefail
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"
ensure_packages postgresql rabbitmq-server openssl curl wrk

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$REPO/.stack/bench-results/$stamp"
mkdir -p "$out"
t0=$SECONDS
log "1/2 HTTP, start-up and memory (bench/http/run.sh)"
bash bench/http/run.sh
cp .stack/bench-http/bench/*.tsv .stack/bench-http/bench/results.txt "$out/"
log "2/2 event pipeline beside raw RabbitMQ.Client and Wolverine (bench/event-peers.sh ${PEERS_ARGS:-})"
# shellcheck disable=SC2086 # PEERS_ARGS is a list of positional arguments
bash bench/event-peers.sh ${PEERS_ARGS:-}
for f in results.tsv results.md meta.tsv; do cp ".stack/bench-peers/$f" "$out/peers-$f"; done

{
  echo "# Benchmark run $stamp (commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo
  echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/ { print $2 }') MiB RAM, $(uname -r); took $(((SECONDS - t0) / 60)) min"
  echo
  echo "## HTTP (ours/raw; targets: reads >= 0.7, create with outbox >= 0.6)"
  echo
  echo '```'
  cat "$out/results.txt"
  echo '```'
  echo
  echo "## Event pipeline"
  echo
  cat "$out/peers-results.md"
} >"$out/summary.md"
log "done in $(((SECONDS - t0) / 60)) min; summary: $out/summary.md"
