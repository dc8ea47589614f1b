#!/usr/bin/env bash
# Server CPU per delivery of a broadcast to 1 000 subscribers that offer permessage-deflate (as
# browsers and Node ws do): the broadcast server with deflate off, with context takeover (one
# compression per recipient), and without it (one compression per broadcast, the bytes shared).
# Rounds alternate the three, so the machine's noise falls on all of them alike.
# Needs the jars: mvn -B package -DskipTests -pl hub-bench,hub-examples -am
# SIZE [2048] bytes, RATE [20] messages/s, DUR [10] s measured, ROUNDS [2]; results in OUT.
set -u
cd "$(dirname "$0")/.."
EX=hub-examples/target/wshub-examples.jar; BENCH=hub-bench/target/wshub-bench.jar
OUT=${OUT:-hub-bench/target/deflate-$(date +%Y%m%d-%H%M%S)}; mkdir -p $OUT
SIZE=${SIZE:-2048}; RATE=${RATE:-20}; DUR=${DUR:-10}; ROUNDS=${ROUNDS:-2}
run() { # name, server flags
  local name=$1; shift
  port=$((port + 1))
  java -Xmx1g -jar $EX broadcast --host 127.0.0.1 --port $port --rate-limit 0 "$@" > $OUT/server-$name.log 2>&1 &
  local pid=$!
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/health/live && break; sleep 0.2; done
  java -jar $BENCH loadtest fanout --url ws://127.0.0.1:$port -n 1000 -s $SIZE -r $RATE -w 3 -d $DUR --deflate \
     --server-pid $pid --json > $OUT/$name-$round.json 2> $OUT/$name-$round.err
  python3 -c "import json,sys;d=json.load(open('$OUT/$name-$round.json'));print('$name round $round:',{k:d[k] for k in ('deliveriesPerSecond','serverCpuMsPer1000','serverCpuPercent','latencyP50Ms','latencyP99Ms','lost','errors','serverRssMiB')})"
  kill $pid; wait $pid 2>/dev/null
}
port=$((21000 + RANDOM % 500 * 10))
for round in $(seq $ROUNDS); do
  run off
  run per-recipient --permessage-deflate true --deflate-context-takeover true
  run shared --permessage-deflate true
done
