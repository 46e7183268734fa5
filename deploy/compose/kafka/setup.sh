#!/bin/sh
# docker compose's one-shot Kafka step: the topics (create-topics.sh, shared with the
# Kubernetes Job) and the ACLs, as admin. The ACLs are those of make run's broker
# (libs/events/src/events/acls.py): each service writes only its own topics and the
# dead-letter topics of what it reads, and reads only what it consumes, in consumer groups
# whose names begin with its own.
set -eu
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is required}"
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is required}"
KAFKA_ACLS="${KAFKA_ACLS_BIN:-/opt/kafka/bin/kafka-acls.sh}"
CONFIG="${TMPDIR:-/tmp}/admin-client.properties"
(umask 077; cat > "$CONFIG" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPS
)
export KAFKA_COMMAND_CONFIG="$CONFIG"
sh "${CREATE_TOPICS:-/opt/platform/create-topics.sh}"

allow() {  # allow USER OPERATION [--topic T ...] [--group G --resource-pattern-type prefixed]
  user=$1 operation=$2
  shift 2
  "$KAFKA_ACLS" --bootstrap-server "$BOOTSTRAP" --command-config "$CONFIG" --add \
    --allow-principal "User:$user" --operation "$operation" "$@"
}

allow dealreg Write --topic deals.v1 --topic partners.v1
allow incentives Write --topic incentives.v1 --topic deals.v1.dlq --topic partners.v1.dlq
allow incentives Read --topic deals.v1 --topic partners.v1
allow incentives Read --group incentives --resource-pattern-type prefixed
allow pipeline Write --topic pipeline.v1 --topic deals.v1.dlq --topic incentives.v1.dlq --topic partners.v1.dlq
allow pipeline Read --topic deals.v1 --topic incentives.v1 --topic partners.v1
allow pipeline Read --group pipeline --resource-pattern-type prefixed
allow notifications Write --topic deals.v1.dlq --topic incentives.v1.dlq --topic pipeline.v1.dlq
allow notifications Read --topic deals.v1 --topic incentives.v1 --topic pipeline.v1
allow notifications Read --group notifications --resource-pattern-type prefixed
echo "setup: topics and ACLs done"
