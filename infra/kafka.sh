#!/usr/bin/env bash
# A real one-node Apache Kafka (KRaft: broker + controller in one process) for the
# local stack and the tests. Jars come from Maven Central through infra/kafka/pom.xml.
#   infra/kafka.sh fetch | start | stop | status | credentials
# Settings: KAFKA_PORT (9092), KAFKA_HOME (.cache/kafka), KAFKA_HEAP (512m).
#
# Listeners (all on 127.0.0.1):
#   KAFKA_PORT       PLAINTEXT, read-only for local tools: User:ANONYMOUS may describe and
#                    read topics (ACLs created by devstack), nothing else.
#   KAFKA_PORT+1     the KRaft controller (SASL/PLAIN, admin only).
#   KAFKA_PORT+2     SASL_PLAINTEXT with SCRAM-SHA-512: the services (one user each) and
#                    admin (super user: tools and tests create topics and ACLs with it).
# The passwords are generated once into $KAFKA_HOME/credentials.properties (user=password,
# mode 600) and shared by every local broker of this checkout; the SCRAM users are written
# into the metadata log when a data directory is formatted. For the CLI tools:
#   --bootstrap-server 127.0.0.1:9094 --command-config $KAFKA_HOME/admin-client.properties
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$ROOT/.cache/kafka}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
SASL_PORT=$((KAFKA_PORT + 2))  # devstack assumes this offset too (devstack.infra.sasl_port)
CREDENTIALS="$KAFKA_HOME/credentials.properties"
USERS=(admin dealreg incentives pipeline notifications)
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

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Up means the authenticated listener answers (an older broker without SASL does not count).
listening() { port_open "$SASL_PORT"; }

credentials() {
  mkdir -p "$KAFKA_HOME"
  if [ -f "$CREDENTIALS" ]; then return 0; fi
  (
    umask 077
    for user in "${USERS[@]}"; do
      echo "$user=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
    done > "$CREDENTIALS.tmp"
  )
  mv "$CREDENTIALS.tmp" "$CREDENTIALS"
  echo "kafka.sh: generated local Kafka passwords in $CREDENTIALS"
}

password() { sed -n "s/^$1=//p" "$CREDENTIALS"; }

configure() {
  credentials
  local admin stamp
  admin=$(password admin)
  stamp=$(sha256sum "$CREDENTIALS" | cut -d' ' -f1)
  # Data formatted before SASL, or with passwords since regenerated, cannot authenticate:
  # local data only (devstack recreates topics and ACLs), so it is formatted afresh.
  if [ -f "$DATA/logs/meta.properties" ] && [ "$(cat "$DATA/credentials.sha256" 2>/dev/null)" != "$stamp" ]; then
    echo "kafka.sh: $DATA was formatted without these SCRAM users; formatting it afresh"
    rm -rf "$DATA"
  fi
  mkdir -p "$DATA"
  (umask 077; cat > "$KAFKA_HOME/server-$KAFKA_PORT.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=TOOLS://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SERVICES://127.0.0.1:$SASL_PORT
advertised.listeners=TOOLS://127.0.0.1:$KAFKA_PORT,SERVICES://127.0.0.1:$SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=TOOLS:PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,SERVICES:SASL_PLAINTEXT
inter.broker.listener.name=SERVICES
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.services.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
# SCRAM credentials live in the metadata log, which the controller cannot read before it is
# up: its listener uses PLAIN with a static admin user instead.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
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
  cat > "$KAFKA_HOME/admin-client.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
PROPS
  )
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    local id user scram=()
    for user in "${USERS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password "$user")]")
    done
    id=$(java -cp "$CP" kafka.tools.StorageTool random-uuid)
    java -cp "$CP" "${JAVA_OPTS[@]}" kafka.tools.StorageTool format --standalone \
        -t "$id" -c "$KAFKA_HOME/server-$KAFKA_PORT.properties" "${scram[@]}" >/dev/null
    echo "$stamp" > "$DATA/credentials.sha256"
  fi
}

start() {
  fetch
  if listening; then echo "kafka.sh: Kafka already listening on 127.0.0.1:$SASL_PORT (SASL)"; return 0; fi
  if port_open "$KAFKA_PORT"; then
    echo "kafka.sh: a broker without SASL holds 127.0.0.1:$KAFKA_PORT; stop it first (make stop)" >&2; exit 1
  fi
  configure
  echo "kafka.sh: starting Kafka on 127.0.0.1:$SASL_PORT (SASL/SCRAM), read-only on 127.0.0.1:$KAFKA_PORT (log: $LOG)"
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
  status) if listening; then echo "up on 127.0.0.1:$SASL_PORT (SASL), 127.0.0.1:$KAFKA_PORT (read-only)"; else echo "down"; exit 1; fi ;;
  credentials) credentials ;;
  *) echo "usage: $0 fetch|start|stop|status|credentials" >&2; exit 2 ;;
esac
