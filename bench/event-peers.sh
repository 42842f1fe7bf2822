#!/usr/bin/env bash
# Event pipeline side by side (issue 8, items 2 and 3): ours (bench/EventPipelineBench: the platform's
# OutboxRelay + EventConsumer + inbox, hosted as the services host them), the raw RabbitMQ.Client
# baseline (bench/RawRabbit) and the peer, Wolverine's durable PostgreSQL outbox/inbox over RabbitMQ
# (bench/WolverinePeer), one after the other on one private stack (PostgreSQL with fsync on, RabbitMQ
# quorum queues, publisher confirms everywhere), then one table with ours/raw and ours/peer.
#
# Each tool runs twice: `fill N` puts a backlog of N events in place and exits (ours and the peer
# commit them to their outbox; raw publishes them with confirms to its queue), then `run` is a fresh
# process that measures:
# - cold start → first handled (ms): from process start to the moment the first backlog event has
#   been handled and its inbox commit is done. Process start = the wall clock the script reads
#   (bash $EPOCHREALTIME, µs) in the forked child just before it execs `dotnet`, passed to the tool
#   as BENCH_SPAWN_UNIX_US; the tool subtracts it from the wall clock it reads when the commit is
#   done. The commit is: ours, the consumer's batch transaction with the inbox row (read in its
#   after-commit callback); the peer, Wolverine marking the inbox row Handled, the write that makes
#   "handled" durable (read when the poll that first sees a Handled row is sent; polled every 1 ms
#   from the first handler run on); raw, which has no database, the consumer's ack (read after it is
#   sent). The backlog was committed (raw: confirmed) by the `fill` process, before this one started.
#   Same code for all three: bench/EventPipelineBench/BenchTiming.cs (linked into the other two).
# - drain backlog (msgs/s): ours and the peer: N events, all handled and committed in the inbox
#   (checked: N distinct, and for ours the inbox and outbox counts in the database), ÷ the time from
#   the start of building the host to the last inbox commit; raw: N published with confirms while
#   consumed and acked. A tool exits non-zero, and this script stops, if fewer than N arrive (no
#   progress for 60 s).
# - p50/p99 at fixed rates: producer commit → consumer commit (raw: publish → ack; peer: → handler).
# - peak RSS of the `run` process, sampled from /proc every 200 ms.
# - CPU per event (µs) during the drain, from its first handled event to its last (raw: the whole
#   publish+consume), by process: the tool itself, PostgreSQL (postmaster and backends), RabbitMQ (the
#   node), and the rest of the machine ("other": someone else's work shows here), from /proc
#   (bench/EventPipelineBench/BenchTiming.cs, CpuUse). Cores ÷ CPU per event is the most this machine
#   can drain with that code, whatever is tuned.
# Output: the markdown table on stdout and in .stack/bench-peers/results.md; the same figures as TSV
# in .stack/bench-peers/results.tsv (columns: key, figure, unit, better, ours, raw, peer, ours_vs_raw,
# ours_vs_peer; a missing value is empty) and the run's settings in .stack/bench-peers/meta.tsv; the
# logs and RSS samples next to them (<tool>-fill.log, <tool>.log, <tool>.rss).
# Usage: bench/event-peers.sh [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKLOG="${1:-50000}" WARMUP="${2:-30}" SECONDS_AT_RATE="${3:-20}" RATES="${4:-300,1000}"
export STACK_DIR="$PWD/.stack/bench-peers" PG_PORT="${PG_PORT:-15502}" AMQP_PORT="${AMQP_PORT:-5743}" RABBIT_NODE="${RABBIT_NODE:-benchpeers@localhost}" PG_FAST=0
OUT="$STACK_DIR"
mkdir -p "$OUT"
for name in ours raw peer; do rm -f "$OUT/$name.log" "$OUT/$name-fill.log" "$OUT/$name.rss"; done
rm -f "$OUT/results.tsv" "$OUT/results.md" "$OUT/meta.tsv"
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
# Ours plays donation-service (the publisher of donation.created) under that service's broker user, so
# its consumer's publisher check passes as in the platform; raw and the peer keep the admin user.
# shellcheck source=../scripts/lib.sh
source scripts/lib.sh
OURS_AMQP="$(broker_uri_for DonationService)"
# Ours is published for linux-x64 as the apps are deployed: ReadyToRun (functions/AppRuntime.props).
dotnet publish bench/EventPipelineBench -c Release -r linux-x64 -o "$OUT/ours-bin" -v q -nologo -clp:ErrorsOnly
for project in RawRabbit WolverinePeer; do
  dotnet build "bench/$project" -c Release -v q -nologo -clp:ErrorsOnly
done
# The process trees whose CPU the tools count (CpuUse): the stack's postmaster and broker node.
BENCH_CPU_PIDS="$(bash scripts/stack.sh pids)"
export BENCH_CPU_PIDS
MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "machine: $MACHINE; PostgreSQL fsync on; RabbitMQ quorum queues; backlog $BACKLOG, warm-up ${WARMUP} s, ${SECONDS_AT_RATE} s per rate ($RATES)"

# fill NAME DLL ARGS...: puts the backlog in place (a process of its own, before the measured one)
fill() {
  local name=$1 dll=$2
  shift 2
  echo "== $name: fill"
  dotnet "$dll" fill "$@" >"$OUT/$name-fill.log" 2>&1 || { cat "$OUT/$name-fill.log"; echo "$name fill failed" >&2; exit 1; }
  cat "$OUT/$name-fill.log"
}

# run NAME DLL ARGS...: runs the measured process with its spawn time, tees its output to
# $OUT/NAME.log, writes peak RSS (MiB) to $OUT/NAME.rss
run() {
  local name=$1 dll=$2 pid peak=0 rss
  shift 2
  echo "== $name"
  # Expanded in the forked child, right before it execs dotnet: the cold start's origin.
  BENCH_SPAWN_UNIX_US="${EPOCHREALTIME//[.,]/}" dotnet "$dll" run "$@" >"$OUT/$name.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss="$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    ((${rss:-0} > peak)) && peak=$rss
    sleep 0.2
  done
  wait "$pid" || { cat "$OUT/$name.log"; echo "$name failed" >&2; exit 1; }
  cat "$OUT/$name.log"
  echo $((peak / 1024)) >"$OUT/$name.rss"
}

RabbitMQConnection="$OURS_AMQP" fill ours "$OUT/ours-bin/EventPipelineBench.dll" "$BACKLOG"
RabbitMQConnection="$OURS_AMQP" run ours "$OUT/ours-bin/EventPipelineBench.dll" "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"
fill raw bench/RawRabbit/bin/Release/net10.0/RawRabbit.dll "$BACKLOG"
run raw bench/RawRabbit/bin/Release/net10.0/RawRabbit.dll "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"
fill peer bench/WolverinePeer/bin/Release/net10.0/WolverinePeer.dll "$BACKLOG"
run peer bench/WolverinePeer/bin/Release/net10.0/WolverinePeer.dll "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"

# Every tool prints "RESULT drain_msgs_per_s N", "RESULT latency RATE P50 P99", "RESULT cold_start_ms N".
result() { # result NAME KEY [RATE COLUMN(1=p50,2=p99)]
  if [[ $2 == latency ]]; then awk -v r="$3" -v c="$4" '$1=="RESULT" && $2=="latency" && $3==r{print $(3+c)}' "$OUT/$1.log" | tail -n1
  elif [[ $2 == "cpu_us_per_event drain" ]]; then awk -v p="$3" '$1=="RESULT" && $2=="cpu_us_per_event" && $3=="drain" && $4==p{print $5}' "$OUT/$1.log" | tail -n1
  else awk -v k="$2" '$1=="RESULT" && $2==k{print $3}' "$OUT/$1.log" | tail -n1; fi
}
# ratio OURS OTHER BETTER: "times better than", >1 means ours is ahead; empty if a value is missing
ratio() { awk -v a="$1" -v b="$2" -v better="$3" 'BEGIN{ if (a=="" || b=="" || a+0==0 || b+0==0) print ""; else printf "%.2f", (better=="higher" ? a/b : b/a) }'; }
show() { echo "${1:-n/a}"; }
TABLE=() TSV=()
TSV+=("$(printf 'key\tfigure\tunit\tbetter\tours\traw\tpeer\tours_vs_raw\tours_vs_peer')")
# row KEY FIGURE UNIT BETTER OURS RAW PEER
row() {
  local rr rp
  rr="$(ratio "$5" "$6" "$4")" rp="$(ratio "$5" "$7" "$4")"
  TABLE+=("| $2 ($3) | $(show "$5") | $(show "$6") | $(show "$7") | $(show "$rr") | $(show "$rp") |")
  TSV+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$rr" "$rp")")
}
row drain_msgs_per_s "drain backlog" msgs/s higher "$(result ours drain_msgs_per_s)" "$(result raw drain_msgs_per_s)" "$(result peer drain_msgs_per_s)"
IFS=, read -ra rate_list <<<"$RATES"
for rate in "${rate_list[@]}"; do
  for c in 1 2; do
    label=$([[ $c == 1 ]] && echo p50 || echo p99)
    row "${label}_ms_at_$rate" "$label at $rate/s" ms lower "$(result ours latency "$rate" $c)" "$(result raw latency "$rate" $c)" "$(result peer latency "$rate" $c)"
  done
done
row cold_start_ms "cold start → first handled" ms lower "$(result ours cold_start_ms)" "$(result raw cold_start_ms)" "$(result peer cold_start_ms)"
for proc in all process postgres rabbitmq other; do
  label=$([[ $proc == process ]] && echo "the tool itself" || echo "$proc")
  row "drain_cpu_us_${proc}" "CPU per drained event: $label" µs lower "$(result ours "cpu_us_per_event drain" "$proc")" "$(result raw "cpu_us_per_event drain" "$proc")" "$(result peer "cpu_us_per_event drain" "$proc")"
done
row peak_rss_mib "peak RSS" MiB lower "$(cat "$OUT/ours.rss")" "$(cat "$OUT/raw.rss")" "$(cat "$OUT/peer.rss")"

{
  echo "machine: $MACHINE; PostgreSQL fsync on; RabbitMQ quorum queues; backlog $BACKLOG, warm-up ${WARMUP} s, ${SECONDS_AT_RATE} s per rate ($RATES)"
  echo
  echo "ratios are 'times better than' (>1 means ours is ahead): throughput ours/x; latency, cold start and memory x/ours"
  echo
  echo "| figure | ours | raw RabbitMQ.Client | Wolverine 6.62 | ours/raw | ours/peer |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${TABLE[@]}"
  echo
  echo "(cold start: process start (spawn by this script) → first backlog event handled and its inbox commit done; raw: its ack; peer: its inbox row marked Handled)"
  echo "(raw: publish and consume only, no database: drain = N published with confirms while consumed; latency = publish → consumer ack)"
  echo "(peer: drain = host start → last inbox row marked Handled; latency = producer commit → handler run, before Wolverine marks the inbox row Handled)"
} >"$OUT/results.md"
echo
cat "$OUT/results.md"
printf '%s\n' "${TSV[@]}" >"$OUT/results.tsv.tmp" && mv "$OUT/results.tsv.tmp" "$OUT/results.tsv"
{
  printf 'key\tvalue\n'
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'commit\t%s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf 'cores\t%s\n' "$(nproc)"
  printf 'mem_gib\t%s\n' "$(free -g | awk '/Mem:/{print $2}')"
  printf 'backlog\t%s\n' "$BACKLOG"
  printf 'warmup_s\t%s\n' "$WARMUP"
  printf 'seconds_per_rate\t%s\n' "$SECONDS_AT_RATE"
  printf 'rates\t%s\n' "$RATES"
} >"$OUT/meta.tsv"
echo "results: $OUT/results.tsv (TSV), $OUT/results.md; logs: $OUT/{ours,raw,peer}{,-fill}.log"
