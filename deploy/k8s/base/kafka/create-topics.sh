#!/bin/sh
# Creates the platform's Kafka topics if they do not exist yet (idempotent). Runs in
# the apache/kafka image: the compose "kafka-topics" service and the Kubernetes
# "kafka-topics" Job both use this one file.
# Settings: KAFKA_BOOTSTRAP_SERVERS, TOPIC_REPLICATION_FACTOR (1), TOPIC_MIN_INSYNC_REPLICAS (1),
# KAFKA_COMMAND_CONFIG (optional: a client properties file, e.g. SASL credentials of a user
# allowed to create topics), or KAFKA_SASL_JAAS_CONFIG (Strimzi's KafkaUser Secret key
# sasl.jaas.config: SCRAM-SHA-512 over SASL_SSL, trusting the PEM in KAFKA_SSL_CAFILE).
# Topic names and partition counts follow CONTRACT.md: 6 partitions per event topic
# (consumers scale up to 6), 3 per dead-letter topic.
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is required}"
RF="${TOPIC_REPLICATION_FACTOR:-1}"
MIN_ISR="${TOPIC_MIN_INSYNC_REPLICAS:-1}"
KAFKA_TOPICS="${KAFKA_TOPICS_BIN:-/opt/kafka/bin/kafka-topics.sh}"
if [ -n "${KAFKA_SASL_JAAS_CONFIG:-}" ] && [ -z "${KAFKA_COMMAND_CONFIG:-}" ]; then
  KAFKA_COMMAND_CONFIG="${TMPDIR:-/tmp}/kafka-client.properties"
  (
    umask 077
    echo "security.protocol=${KAFKA_SECURITY_PROTOCOL:-SASL_SSL}"
    echo "sasl.mechanism=SCRAM-SHA-512"
    echo "sasl.jaas.config=$KAFKA_SASL_JAAS_CONFIG"
    if [ -n "${KAFKA_SSL_CAFILE:-}" ]; then
      echo "ssl.truststore.type=PEM"
      echo "ssl.truststore.location=$KAFKA_SSL_CAFILE"
    fi
  ) > "$KAFKA_COMMAND_CONFIG"
fi

create() {
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" ${KAFKA_COMMAND_CONFIG:+--command-config "$KAFKA_COMMAND_CONFIG"} --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor "$RF" \
    --config min.insync.replicas="$MIN_ISR"
}

for topic in deals.v1 incentives.v1 pipeline.v1 partners.v1; do
  create "$topic" 6
  create "$topic.dlq" 3
done
"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" ${KAFKA_COMMAND_CONFIG:+--command-config "$KAFKA_COMMAND_CONFIG"} --describe \
  --topic 'deals.v1|incentives.v1|pipeline.v1|partners.v1|deals.v1.dlq|incentives.v1.dlq|pipeline.v1.dlq|partners.v1.dlq' \
  | grep -E '^Topic:' || true
echo "create-topics: done"
