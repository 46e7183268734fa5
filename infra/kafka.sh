#!/usr/bin/env bash
# A real one-node Apache Kafka (KRaft: broker + controller in one process) for the
# local stack and the tests. Jars come from Maven Central through infra/kafka/pom.xml.
#   infra/kafka.sh fetch | start | stop | status | topics
# Settings: KAFKA_PORT (9092), KAFKA_HOME (.cache/kafka), KAFKA_HEAP (512m).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$ROOT/.cache/kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
DATA="$KAFKA_HOME/data-$KAFKA_PORT"
PIDFILE="$KAFKA_HOME/kafka-$KAFKA_PORT.pid"
LOG="$KAFKA_HOME/kafka-$KAFKA_PORT.log"
CP="$KAFKA_HOME/libs/*"
JAVA_OPTS=(-Xms"${KAFKA_HEAP:-512m}" -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseG1GC
           -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml")

fetch() {
  if [ -f "$KAFKA_HOME/libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka.sh: Maven (mvn) is needed to fetch Kafka" >&2; exit 1; }
  echo "kafka.sh: fetching Apache Kafka jars from Maven Central into $KAFKA_HOME/libs"
  rm -rf "$KAFKA_HOME/libs"
  mvn -q -B -f "$ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$KAFKA_HOME/libs" -DincludeScope=runtime
  touch "$KAFKA_HOME/libs/.complete"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; }

configure() {
  mkdir -p "$DATA"
  cat > "$KAFKA_HOME/server-$KAFKA_PORT.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/logs
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=-1
log.segment.bytes=67108864
PROPS
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    local id
    id=$(java -cp "$CP" kafka.tools.StorageTool random-uuid)
    java -cp "$CP" "${JAVA_OPTS[@]}" kafka.tools.StorageTool format --standalone \
        -t "$id" -c "$KAFKA_HOME/server-$KAFKA_PORT.properties" >/dev/null
  fi
}

start() {
  fetch
  if listening; then echo "kafka.sh: Kafka already listening on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  configure
  echo "kafka.sh: starting Kafka on 127.0.0.1:$KAFKA_PORT (log: $LOG)"
  # setsid: the broker outlives the shell that started it, and `make run`'s Ctrl-C stops it via stop.
  setsid nohup java -cp "$CP" "${JAVA_OPTS[@]}" kafka.Kafka "$KAFKA_HOME/server-$KAFKA_PORT.properties" \
      >>"$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if listening; then echo "kafka.sh: Kafka is up"; return 0; fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { echo "kafka.sh: Kafka exited; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
    sleep 0.5
  done
  echo "kafka.sh: Kafka did not start within 60 s; see $LOG" >&2; exit 1
}

stop() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$(cat "$PIDFILE")" 2>/dev/null || true
    echo "kafka.sh: stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if listening; then echo "up on 127.0.0.1:$KAFKA_PORT"; else echo "down"; exit 1; fi ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
