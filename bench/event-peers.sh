#!/usr/bin/env bash
# Event pipeline side by side (issue 8, items 2 and 3): ours (bench/EventPipelineBench), the raw
# RabbitMQ.Client baseline (bench/RawRabbit) and the peer, Wolverine's durable PostgreSQL
# outbox/inbox over RabbitMQ (bench/WolverinePeer), one after the other on one private stack
# (PostgreSQL with fsync on, RabbitMQ quorum queues, publisher confirms everywhere), then one table
# with ours/raw and ours/peer. Peak RSS is sampled from /proc every 200 ms for each process.
# Usage: bench/event-peers.sh [backlog=50000] [warmupSeconds=30] [seconds=20] [rates=300,1000]
set -euo pipefail
cd "$(dirname "$0")/.."
BACKLOG="${1:-50000}" WARMUP="${2:-30}" SECONDS_AT_RATE="${3:-20}" RATES="${4:-300,1000}"
export STACK_DIR="$PWD/.stack/bench-peers" PG_PORT="${PG_PORT:-15502}" AMQP_PORT="${AMQP_PORT:-5743}" RABBIT_NODE="${RABBIT_NODE:-benchpeers@localhost}" PG_FAST=0
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down' EXIT
eval "$(bash scripts/stack.sh env)"
export BenchDbConnection="$MainDbAdminConnection"
for project in EventPipelineBench RawRabbit WolverinePeer; do
  dotnet build "bench/$project" -c Release -v q -nologo -clp:ErrorsOnly
done
OUT="$(mktemp -d)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; PostgreSQL fsync on; RabbitMQ quorum queues; backlog $BACKLOG, warm-up ${WARMUP} s, ${SECONDS_AT_RATE} s per rate ($RATES)"

# run NAME DLL ARGS...: runs the process, tees its output to $OUT/NAME.log, writes peak RSS (MiB) to $OUT/NAME.rss
run() {
  local name=$1 dll=$2 pid peak=0 rss
  shift 2
  echo "== $name"
  dotnet "$dll" "$@" >"$OUT/$name.log" 2>&1 &
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

run ours bench/EventPipelineBench/bin/Release/net10.0/EventPipelineBench.dll "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"
run raw bench/RawRabbit/bin/Release/net10.0/RawRabbit.dll "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"
echo "== peer: filling the Wolverine outbox"
dotnet bench/WolverinePeer/bin/Release/net10.0/WolverinePeer.dll fill "$BACKLOG"
run peer bench/WolverinePeer/bin/Release/net10.0/WolverinePeer.dll run "$BACKLOG" "$WARMUP" "$SECONDS_AT_RATE" "$RATES"

# Figures: drain msgs/s; p50/p99 per rate; cold start (peer only: EventPipelineBench does not report it); peak RSS.
drain_of() { # ours prints "drain: ... = N events/s"; raw and peer print "RESULT drain_msgs_per_s N"
  if [[ $1 == ours ]]; then sed -n 's/^drain: .* = \([0-9,]*\) events\/s$/\1/p' "$OUT/ours.log" | tr -d ,
  else awk '$1=="RESULT" && $2=="drain_msgs_per_s"{print $3}' "$OUT/$1.log"; fi
}
lat_of() { # lat_of NAME RATE COLUMN(1=p50,2=p99)
  if [[ $1 == ours ]]; then awk -F'|' -v r="$2" -v c="$3" '$2+0==r && $3+0>0{gsub(/ /,"",$(3+c)); print $(3+c)}' "$OUT/ours.log" | tail -n1
  else awk -v r="$2" -v c="$3" '$1=="RESULT" && $2=="latency" && $3==r{print $(3+c)}' "$OUT/$1.log"; fi
}
ratio() { awk -v a="$1" -v b="$2" -v hi="$3" 'BEGIN{ if (a=="" || b=="" || a+0==0 || b+0==0) print "n/a"; else printf "%.2f%s", (hi ? a/b : b/a), "" }'; }
echo
echo "ratios are 'times better than' (>1 means ours is ahead): throughput ours/x, latency and memory x/ours"
echo "| figure | ours | raw RabbitMQ.Client | Wolverine 6.62 | ours/raw | ours/peer |"
echo "|---|---:|---:|---:|---:|---:|"
o="$(drain_of ours)" r="$(drain_of raw)" p="$(drain_of peer)"
echo "| drain backlog (msgs/s) | $o | $r | $p | $(ratio "$o" "$r" 1) | $(ratio "$o" "$p" 1) |"
IFS=, read -ra rate_list <<<"$RATES"
for rate in "${rate_list[@]}"; do
  for c in 1 2; do
    label=$([[ $c == 1 ]] && echo p50 || echo p99)
    o="$(lat_of ours "$rate" $c)" r="$(lat_of raw "$rate" $c)" p="$(lat_of peer "$rate" $c)"
    echo "| $label ms at $rate/s | $o | $r | $p | $(ratio "$o" "$r" 0) | $(ratio "$o" "$p" 0) |"
  done
done
p="$(awk '$1=="RESULT" && $2=="cold_start_ms"{print $3}' "$OUT/peer.log")"
echo "| cold start → first handled (ms) | not measured | n/a | $p | n/a | n/a |"
o="$(cat "$OUT/ours.rss")" r="$(cat "$OUT/raw.rss")" p="$(cat "$OUT/peer.rss")"
echo "| peak RSS (MiB) | $o | $r | $p | $(ratio "$o" "$r" 0) | $(ratio "$o" "$p" 0) |"
echo "(raw: publish and consume only, no database: drain = N published with confirms while consumed; latency = publish → consumer ack)"
echo "(peer: latency = producer commit → handler run, before Wolverine marks the inbox row handled; drain from host start, includes its recovery polling)"
echo "logs: $OUT"
