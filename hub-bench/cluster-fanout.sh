#!/usr/bin/env bash
# Cross-node fan-out through Redis, measured with wshub's load tool: the same publisher and
# subscribers on one node, spread over two nodes, and all on the other node, interleaved round
# by round. Both nodes and one redis-server run on this machine, so the figures show the cost of
# the Redis hop, not added capacity.
#
# Run from a clean clone after `mvn -B install -DskipTests`; needs redis-server on the PATH.
# Settings (environment): ROUNDS [2]  DURATION [10] s  WARMUP [5] s  SUBSCRIBERS [1000]
#   REDIS_PORT [16379]  PORT_A [18081]  PORT_B [18082]  SERVER_JVM_OPTS ["-Xmx1g"]
#   OUT [hub-bench/target/cluster-<time>]
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
REDIS_PORT=${REDIS_PORT:-16379}
PORT_A=${PORT_A:-18081}
PORT_B=${PORT_B:-18082}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xmx1g"}
JAR=hub-examples/target/wshub-examples.jar # the nodes
BENCH_JAR=hub-bench/target/wshub-bench.jar # the load tool
OUT=${OUT:-hub-bench/target/cluster-$(date +%Y%m%d-%H%M%S)}
START_SECONDS=30   # a node is up in ~1 s; 30 s means it will not come up
RUN_LIMIT_SECONDS=300

command -v redis-server >/dev/null || { echo "cluster-fanout.sh needs redis-server (apt-get install redis-server)" >&2; exit 2; }
for jar in "$JAR" "$BENCH_JAR"; do
  [[ -f $jar ]] || { echo "cluster-fanout.sh: $jar is missing; build first: mvn -B install -DskipTests" >&2; exit 2; }
done
mkdir -p "$OUT"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
for port in $PORT_A $PORT_B; do
  # shellcheck disable=SC2086 # the options are a word list on purpose
  java $SERVER_JVM_OPTS -jar "$JAR" broadcast --port "$port" --rate-limit 0 --max-connections 20000 \
    --redis "redis://127.0.0.1:$REDIS_PORT" >"$OUT/node-$port.log" 2>&1 &
  PIDS+=($!)
done
# A node answers /health "degraded" until its broker has reached Redis, then "up".
for port in $PORT_A $PORT_B; do
  for _ in $(seq $((START_SECONDS * 10))); do
    curl -fs "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '"status":"up"' && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/health" | grep -q '"status":"up"' \
    || { echo "cluster-fanout.sh: node on $port is not up and connected to Redis; see $OUT/node-$port.log" >&2; exit 1; }
done

A="ws://127.0.0.1:$PORT_A"
B="ws://127.0.0.1:$PORT_B"
layout_args() {
  case $1 in
    one-node)  echo "--url $A" ;;
    two-nodes) echo "--url $A --subscriber-url $A --subscriber-url $B" ;;
    cross)     echo "--url $A --subscriber-url $B" ;;
  esac
}
LAYOUTS="one-node two-nodes cross"

{
  echo "# cross-node fan-out, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# machine: $(nproc) cores, $(uname -sr); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $SUBSCRIBERS subscribers, 64-byte messages, paced on the slowest (W=64), warm-up ${WARMUP}s, measured ${DURATION}s"
  echo "# one-node: publisher and subscribers on A; two-nodes: publisher on A, subscribers half on A, half on B;"
  echo "# cross: publisher on A, every subscriber on B. Both nodes and Redis run in every layout."
} | tee "$OUT/summary.txt"

for round in $(seq "$ROUNDS"); do
  for layout in $LAYOUTS; do
    echo "== round $round: $layout" >&2
    # shellcheck disable=SC2046 # the layout's arguments are a word list on purpose
    timeout "$RUN_LIMIT_SECONDS" java -jar "$BENCH_JAR" loadtest fanout -n "$SUBSCRIBERS" -s 64 -r 0 -W 64 \
      -w "$WARMUP" -d "$DURATION" $(layout_args "$layout") >"$OUT/$layout.$round.txt" 2>"$OUT/$layout.$round.progress.log" \
      || echo "cluster-fanout.sh: $layout round $round ended with status $?" >&2
    {
      printf '%-10s round %s:' "$layout" "$round"
      grep -E '^  (deliveries/s|delivery p50 \(ms\)|delivery p99 \(ms\)|messages lost) ' "$OUT/$layout.$round.txt" \
        | sed -E 's/^  ([a-z0-9/ ()]+[a-z)/]) +/ \1 /' | tr '\n' ';'
      echo
    } | tee -a "$OUT/summary.txt"
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"
echo "(reports and logs in $OUT)"
