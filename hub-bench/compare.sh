#!/usr/bin/env bash
# Measures wshub against the raw-Jetty floor on this machine, over loopback.
#
# For each round and each scenario, starts wshub's example server and then the raw-Jetty server
# (A B A B ...), each fresh, with the same JVM options; runs the same load-tool scenario against
# it with --server-pid (so server CPU per operation is read from /proc/PID/stat); stops it. Ends
# with one table: each figure for both servers (mean over the rounds, then each round) and the
# ratio wshub/raw.
#
# Run from a clean clone after `mvn -B install -DskipTests` (it uses the jars in target/):
#   hub-bench/compare.sh
# Settings (environment variables, defaults in brackets):
#   ROUNDS [3]  DURATION [10] s measured  WARMUP [5] s  PORT [18080]
#   SCENARIOS ["echo fanout-max fanout-20 overload idle"]  IDLE_CONNECTIONS [15000]  IDLE_HOLD [10] s
#   SERVER_JVM_OPTS ["-Xmx1g"]  TOOL_JVM_OPTS [""]
#   WSHUB_SERVER  how to start wshub: {role} is echo or broadcast, {port} the port
#                 ["java $SERVER_JVM_OPTS -jar hub-examples/target/wshub-examples.jar {role} --port {port} $WSHUB_SERVER_ARGS"]
#   WSHUB_SERVER_ARGS ["--rate-limit 0 --max-connections 20000"]: load tests need the per-session
#                 rate limit off, and the idle scenario more than the default 10 000 connections
#   RAW_SERVER    ["java $SERVER_JVM_OPTS -jar hub-bench/target/wshub-bench.jar raw-jetty --port {port}"]
#   LOADTEST      how to run the load tool ["java $TOOL_JVM_OPTS -jar hub-bench/target/wshub-bench.jar loadtest"]
#   OUT           where reports and server logs go [hub-bench/target/compare-<time>]
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3} # A B A B A B: the median shrugs off one round disturbed by other work
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
PORT=${PORT:-18080}
SCENARIOS=${SCENARIOS:-"echo fanout-max fanout-20 overload idle"}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-15000}
IDLE_HOLD=${IDLE_HOLD:-10}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xmx1g"}
TOOL_JVM_OPTS=${TOOL_JVM_OPTS:-""}
EXAMPLES_JAR=hub-examples/target/wshub-examples.jar
BENCH_JAR=hub-bench/target/wshub-bench.jar
WSHUB_SERVER_ARGS=${WSHUB_SERVER_ARGS-"--rate-limit 0 --max-connections 20000"}
WSHUB_SERVER=${WSHUB_SERVER:-"java $SERVER_JVM_OPTS -jar $EXAMPLES_JAR {role} --port {port} $WSHUB_SERVER_ARGS"}
RAW_SERVER=${RAW_SERVER:-"java $SERVER_JVM_OPTS -jar $BENCH_JAR raw-jetty --port {port}"}
LOADTEST=${LOADTEST:-"java $TOOL_JVM_OPTS -jar $BENCH_JAR loadtest"}
OUT=${OUT:-hub-bench/target/compare-$(date +%Y%m%d-%H%M%S)}
SERVER_START_SECONDS=30 # a JVM server is up in ~1 s; 30 s means it will not come up
RUN_LIMIT_SECONDS=300   # no single load run comes near this; a hung one is cut off

# The load tool's arguments, the server role and the figures in the table, per scenario.
scenario_args() {
  case $1 in
    echo)       echo "echo -c 50 -s 64 -w $WARMUP -d $DURATION" ;;
    fanout-max) echo "fanout -n 1000 -s 64 -r 0 -W 64 -w $WARMUP -d $DURATION" ;;
    fanout-20)  echo "fanout -n 1000 -s 64 -r 20 -w $WARMUP -d $DURATION" ;;
    overload)   echo "fanout -n 1000 -s 64 -r 2000 -w 2 -d $DURATION --drain 5" ;;
    idle)       echo "idle -n $IDLE_CONNECTIONS -H $IDLE_HOLD" ;;
    *) echo "unknown scenario: $1" >&2; exit 2 ;;
  esac
}
scenario_role() {
  case $1 in
    echo | idle) echo echo ;;
    *) echo broadcast ;;
  esac
}
scenario_figures() {
  case $1 in
    echo)       echo "roundTripsPerSecond,serverCpuMsPer1000,latencyP50Ms,latencyP99Ms,errors" ;;
    fanout-max) echo "deliveriesPerSecond,serverCpuMsPer1000,latencyP50Ms,latencyP99Ms,lost,errors" ;;
    fanout-20)  echo "deliveriesPerSecond,serverCpuMsPer1000,latencyP50Ms,latencyP99Ms,latencyMaxMs,lost,errors" ;;
    overload)   echo "messagesPerSecond,deliveriesPerSecond,serverCpuMsPer1000,lost,closedByServer,serverPeakRssMiB,serverRssMiB" ;;
    idle)       echo "openAtEnd,serverRssPerConnectionKiB,serverHeapPerConnectionKiB,errors" ;;
  esac
}

for tool in java curl timeout; do
  command -v "$tool" >/dev/null || { echo "compare.sh needs $tool on the PATH" >&2; exit 2; }
done
for jar in "$BENCH_JAR" "$EXAMPLES_JAR"; do
  # wshub-bench.jar makes the table at the end, whatever runs the servers and the load.
  if [[ ! -f $jar && ( $jar == "$BENCH_JAR" || $WSHUB_SERVER == *"$jar"* || $RAW_SERVER == *"$jar"* || $LOADTEST == *"$jar"* ) ]]; then
    echo "compare.sh: $jar is missing; build first: mvn -B install -DskipTests" >&2
    exit 2
  fi
done
mkdir -p "$OUT"

SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
trap stop_server EXIT INT TERM

# start_server NAME ROLE LOG: starts it in the background and waits for /health.
start_server() {
  local template
  if [[ $1 == wshub ]]; then template=$WSHUB_SERVER; else template=$RAW_SERVER; fi
  local command=${template//\{role\}/$2}
  command=${command//\{port\}/$PORT}
  # shellcheck disable=SC2086 # the command is a word list on purpose
  $command >"$3" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq $((SERVER_START_SECONDS * 10))); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "compare.sh: the $1 server exited at start ($command); its log:" >&2
      tail -20 "$3" >&2
      SERVER_PID=
      return 1
    fi
    if curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"; then
      return 0
    fi
    sleep 0.1
  done
  echo "compare.sh: the $1 server did not answer /health within ${SERVER_START_SECONDS}s ($command)" >&2
  return 1
}

{
  echo "# wshub vs raw Jetty, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), open files $(ulimit -n)"
  echo "# java: $(java -version 2>&1 | head -1)"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
  echo "# rounds $ROUNDS, warm-up ${WARMUP}s, measured ${DURATION}s, server JVM: $SERVER_JVM_OPTS"
  echo "# wshub: $WSHUB_SERVER"
  echo "# raw:   $RAW_SERVER"
} | tee "$OUT/machine.txt"

for round in $(seq "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    args=$(scenario_args "$scenario")
    role=$(scenario_role "$scenario")
    for server in wshub raw; do
      name="$scenario.$server.$round"
      echo "== round $round: $scenario against $server" >&2
      if ! start_server "$server" "$role" "$OUT/$name.server.log"; then
        continue
      fi
      # shellcheck disable=SC2086
      timeout "$RUN_LIMIT_SECONDS" $LOADTEST $args --url "ws://127.0.0.1:$PORT" --server-pid "$SERVER_PID" --json \
        >"$OUT/$name.json" 2>"$OUT/$name.progress.log" || echo "compare.sh: $name ended with status $? (see $OUT/$name.progress.log)" >&2
      tail -1 "$OUT/$name.progress.log" >&2 || true
      stop_server
    done
  done
done

figures=()
for scenario in $SCENARIOS; do
  figures+=("$scenario:$(scenario_figures "$scenario")")
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo
java -jar "$BENCH_JAR" compare-table "$OUT" "${figures[@]}" | tee "$OUT/table.txt"
echo "(reports and logs in $OUT)"
