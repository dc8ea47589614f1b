#!/usr/bin/env bash
# Replays a reconnect storm against the room server on this machine, over loopback only.
#
# What users did to break the server: thousands of room clients reconnecting at a fixed interval
# with no jitter after the server was killed (SIGKILL) and restarted on the same port. This script
# starts the room server, starts `loadtest storm` against it, waits until every client is
# connected and joined (the tool's --ready-file), kills the server with SIGKILL and starts it
# again on the same port at once, writing the new pid to the file the tool reads with
# --server-pid-file (so the CPU and memory figures are the restarted server's). When the tool is
# done it checks the restarted server: /health within 2 s, a Java-level deadlock in jstack,
# StackOverflowError / "Exception in thread" / ERROR lines in its log, sockets left in CLOSE_WAIT
# on the port; then SIGTERM, and whether it ends within 15 s (SIGKILL otherwise). It prints a
# Markdown summary with the tool's table. It builds nothing, every wait is bounded, and a trap
# kills whatever it started.
#
#   hub-bench/storm.sh                   # after mvn -B package -DskipTests
#   JAR=/other/build/wshub-examples.jar hub-bench/storm.sh   # another build's room server, this tree's load tool
# Settings (environment variables, defaults in brackets):
#   JAR [hub-examples/target/wshub-examples.jar]  the server's jar
#   LOAD_JAR [hub-bench/target/wshub-bench.jar]  the load tool's jar (needs `loadtest storm`)
#   PORT [18100]             below the ephemeral port range, so client ports never take it
#   CLIENTS [2500]  ROOMS [100]  RETRY_MS [100]  DURATION [120] s for the tool's whole run
#   SETTLE [2] s             all connected this long before the baseline
#   SERVER_JVM_OPTS ["-Xmx1g"]  SERVER_ARGS [""]  extra server flags (say --accept-queue-size 1024)
#   TOOL_JVM_OPTS [""]  TOOL_ARGS [""]  extra `loadtest storm` flags (say --handshakes 256)
#   OUT [hub-bench/target/storm-<time>]  where logs, the tool's report and jstack go
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/hub-examples/target/wshub-examples.jar}
LOAD_JAR=${LOAD_JAR:-$ROOT/hub-bench/target/wshub-bench.jar}
PORT=${PORT:-18100}
CLIENTS=${CLIENTS:-2500}
ROOMS=${ROOMS:-100}
RETRY_MS=${RETRY_MS:-100}
DURATION=${DURATION:-120}
SETTLE=${SETTLE:-2}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS-"-Xmx1g"}
SERVER_ARGS=${SERVER_ARGS:-}
TOOL_JVM_OPTS=${TOOL_JVM_OPTS:-}
TOOL_ARGS=${TOOL_ARGS:-}
OUT=${OUT:-$ROOT/hub-bench/target/storm-$(date +%Y%m%d-%H%M%S)}
HOST=127.0.0.1
SERVER_START_SECONDS=30 # a JVM server is up in ~1 s; 30 s means it will not come up
TOOL_MARGIN_SECONDS=90  # after --duration the tool closes (10 s at most) and stops its clients (5 s)
JSTACK_SECONDS=30
HEALTH_SECONDS=2
TERM_SECONDS=15

for tool in java curl ss timeout; do
  command -v "$tool" >/dev/null || { echo "storm.sh needs $tool on the PATH" >&2; exit 2; }
done
for jar in "$JAR" "$LOAD_JAR"; do
  [[ -f $jar ]] || { echo "storm.sh: $jar is missing; build first: mvn -B package -DskipTests" >&2; exit 2; }
done
if [[ -n $(ss -Htln "( sport = :$PORT )") ]]; then
  echo "storm.sh: something listens on port $PORT already; set PORT" >&2
  exit 2
fi
# The tool holds one socket per client; raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p "$OUT"
PID_FILE=$OUT/server.pid
READY_FILE=$OUT/ready
rm -f "$PID_FILE" "$READY_FILE"

SERVER_PID=
TOOL_PID=
cleanup() {
  local pid
  for pid in $TOOL_PID $SERVER_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
listening() { [[ -n $(ss -Htln "( sport = :$PORT )") ]]; }
count() { grep -cE -- "$1" "$2" 2>/dev/null || true; }
# sample_load: keeps the lowest and highest 1-minute load average seen while the tool runs.
LOAD_MIN=
LOAD_MAX=
sample_load() {
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [[ -z $LOAD_MIN ]] || awk -v a="$load" -v b="$LOAD_MIN" 'BEGIN { exit !(a < b) }'; then LOAD_MIN=$load; fi
  if [[ -z $LOAD_MAX ]] || awk -v a="$load" -v b="$LOAD_MAX" 'BEGIN { exit !(a > b) }'; then LOAD_MAX=$load; fi
}

# start_server LOG: starts the room server in the background; its pid goes to SERVER_PID and the pid file.
start_server() {
  # shellcheck disable=SC2086 # the option lists are word lists on purpose
  java $SERVER_JVM_OPTS -jar "$JAR" room --host "$HOST" --port "$PORT" $SERVER_ARGS >"$1" 2>&1 &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$PID_FILE.tmp"
  mv "$PID_FILE.tmp" "$PID_FILE" # whole, never half-written, for the tool that re-reads it
}

# await_health SECONDS: waits for /health of the server just started.
await_health() {
  local i
  for i in $(seq $(($1 * 10))); do
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    curl -fs -m 1 -o /dev/null "http://$HOST:$PORT/health" && return 0
    sleep 0.1
  done
  return 1
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SERVER_CMD="java $SERVER_JVM_OPTS -jar $JAR room --host $HOST --port $PORT $SERVER_ARGS"
TOOL_CMD="java $TOOL_JVM_OPTS -jar $LOAD_JAR loadtest storm --url ws://$HOST:$PORT -n $CLIENTS --rooms $ROOMS --retry-ms $RETRY_MS -d $DURATION --settle $SETTLE $TOOL_ARGS"
echo "storm.sh: starting the room server (logs in $OUT)" >&2
start_server "$OUT/server-1.log"
FIRST_PID=$SERVER_PID
if ! await_health "$SERVER_START_SECONDS"; then
  echo "storm.sh: the room server did not answer /health within ${SERVER_START_SECONDS}s: $SERVER_CMD" >&2
  tail -20 "$OUT/server-1.log" >&2
  exit 1
fi

echo "storm.sh: $TOOL_CMD" >&2
# shellcheck disable=SC2086
java $TOOL_JVM_OPTS -jar "$LOAD_JAR" loadtest storm --url "ws://$HOST:$PORT" -n "$CLIENTS" --rooms "$ROOMS" \
  --retry-ms "$RETRY_MS" -d "$DURATION" --settle "$SETTLE" --server-pid "$SERVER_PID" \
  --server-pid-file "$PID_FILE" --ready-file "$READY_FILE" $TOOL_ARGS >"$OUT/tool.txt" 2>"$OUT/tool-progress.log" &
TOOL_PID=$!
TOOL_START=$(now)

# Wait for the baseline: the tool creates the ready file (or ends without one).
READY=no
for i in $(seq $((DURATION * 10))); do
  ((i % 10 == 1)) && sample_load
  if [[ -e $READY_FILE ]]; then READY=yes; break; fi
  kill -0 "$TOOL_PID" 2>/dev/null || break
  sleep 0.1
done

KILLED_AT=
LISTEN_AFTER=n/a
if [[ $READY == yes ]]; then
  READY_AFTER=$(since "$TOOL_START")
  echo "storm.sh: all clients connected after ${READY_AFTER}s; kill -9 $SERVER_PID and restart on port $PORT" >&2
  KILLED_AT=$(now)
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  start_server "$OUT/server-2.log"
else
  READY_AFTER=n/a
  echo "storm.sh: the tool never had all clients connected; no restart (see $OUT/tool-progress.log)" >&2
fi

# Wait for the tool, bounded; meanwhile note when the restarted server listens.
TOOL_LIMIT=$((DURATION + TOOL_MARGIN_SECONDS))
for i in $(seq $((TOOL_LIMIT * 10))); do
  kill -0 "$TOOL_PID" 2>/dev/null || break
  ((i % 10 == 1)) && sample_load
  if [[ -n $KILLED_AT && $LISTEN_AFTER == n/a ]] && listening; then
    LISTEN_AFTER=$(since "$KILLED_AT")
  fi
  sleep 0.1
done
if kill -0 "$TOOL_PID" 2>/dev/null; then
  echo "storm.sh: the tool did not end within ${TOOL_LIMIT}s; killing it" >&2
  kill -TERM "$TOOL_PID" 2>/dev/null || true
  sleep 5
  kill -9 "$TOOL_PID" 2>/dev/null || true
fi
TOOL_EXIT=0
wait "$TOOL_PID" || TOOL_EXIT=$?
TOOL_PID=

# Check the server that is left (the restarted one, or the first when there was no restart).
LAST_LOG=$OUT/server-$([[ -n $KILLED_AT ]] && echo 2 || echo 1).log
ALIVE=no
kill -0 "$SERVER_PID" 2>/dev/null && ALIVE=yes
HEALTH=$(curl -s -m "$HEALTH_SECONDS" -o /dev/null -w '%{http_code} in %{time_total} s' "http://$HOST:$PORT/health" || true)
if [[ $HEALTH == 200* ]]; then HEALTHY="yes ($HEALTH)"; else HEALTHY="no (${HEALTH:-no answer})"; fi
DEADLOCK=n/a
if [[ $ALIVE == yes ]] && command -v jstack >/dev/null; then
  if timeout -k 5 "$JSTACK_SECONDS" jstack "$SERVER_PID" >"$OUT/jstack.txt" 2>&1; then
    if grep -qE 'Found (one|[0-9]+) Java-level deadlock' "$OUT/jstack.txt"; then DEADLOCK=FOUND; else DEADLOCK=none; fi
  else
    DEADLOCK="jstack failed or timed out (see jstack.txt)"
  fi
fi
CLOSE_WAIT=$(ss -Htan state close-wait "( sport = :$PORT )" | wc -l)
ESTABLISHED=$(ss -Htan state established "( sport = :$PORT )" | wc -l)
TERM_RESULT="not running before SIGTERM"
if [[ $ALIVE == yes ]]; then
  TERM_AT=$(now)
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  TERM_RESULT="did not end within ${TERM_SECONDS}s: killed with SIGKILL"
  for _ in $(seq $((TERM_SECONDS * 10))); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then TERM_RESULT="ended in $(since "$TERM_AT") s"; break; fi
    sleep 0.1
  done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
fi
SERVER_PID=
LOG_LINE='^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '

echo "# Reconnect storm against the room server, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), $(java -version 2>&1 | awk 'NR == 1')"
echo "- load average before: $LOAD_BEFORE; 1-minute load while the tool ran: ${LOAD_MIN:-n/a} to ${LOAD_MAX:-n/a}; after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
echo "- server: \`$SERVER_CMD\`"
echo "- tool: \`$TOOL_CMD\`"
if [[ -n $KILLED_AT ]]; then
  echo "- all clients connected after ${READY_AFTER} s (tool start included); server pid $FIRST_PID killed with SIGKILL, restarted at once as pid $(cat "$PID_FILE"), listening ${LISTEN_AFTER} s after the kill"
else
  echo "- the clients were never all connected: no restart (server pid $FIRST_PID)"
fi
echo
echo "## Load tool (exit $TOOL_EXIT: 0 all back, 3 not all back, other: failed)"
echo
echo '```'
cat "$OUT/tool.txt"
echo '```'
echo
echo "## The server left after the storm (pid $(cat "$PID_FILE"))"
echo
echo "| check | result |"
echo "|---|---|"
echo "| running when the tool ended | $ALIVE |"
echo "| /health within ${HEALTH_SECONDS} s | $HEALTHY |"
echo "| Java-level deadlock (jstack) | $DEADLOCK |"
echo "| StackOverflowError in its log | $(count StackOverflowError "$LAST_LOG") |"
echo "| \"Exception in thread\" in its log | $(count 'Exception in thread' "$LAST_LOG") |"
echo "| ERROR lines in its log | $(count "${LOG_LINE}ERROR" "$LAST_LOG") |"
echo "| WARN lines in its log | $(count "${LOG_LINE}WARN" "$LAST_LOG") |"
echo "| sockets in CLOSE_WAIT on :$PORT | $CLOSE_WAIT |"
echo "| sockets still established on :$PORT | $ESTABLISHED |"
echo "| SIGTERM | $TERM_RESULT |"
if [[ -n $KILLED_AT ]]; then
  echo "| first server's log (before the kill): StackOverflowError / Exception in thread / ERROR | $(count StackOverflowError "$OUT/server-1.log") / $(count 'Exception in thread' "$OUT/server-1.log") / $(count "${LOG_LINE}ERROR" "$OUT/server-1.log") |"
fi
if [[ $DEADLOCK == FOUND ]]; then
  echo
  echo "### jstack: the deadlock"
  echo
  echo '```'
  # The cycle jstack found (who waits for which lock held by whom), without the threads' stacks
  # (in jstack.txt: they can be thousands of frames deep). awk reads the whole file, so no pipe
  # is cut short: with set -o pipefail a SIGPIPE would end the script.
  awk '/Found (one|[0-9]+) Java-level deadlock/ { on = 1 } /^Java stack information/ { on = 0 } on && n++ < 200 { print }' "$OUT/jstack.txt"
  echo '```'
fi
echo
echo "## Progress (the tool's stderr)"
echo
echo '```'
cat "$OUT/tool-progress.log"
echo '```'
echo
echo "(logs, the tool's report and jstack in $OUT)"
