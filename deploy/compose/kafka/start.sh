#!/bin/sh
# Kafka for docker compose (apache/kafka image), authenticated like make run's broker:
# SASL/SCRAM-SHA-512 with one user per service plus admin (super user), KRaft's
# StandardAuthorizer, ACLs created by setup.sh. The image's own entrypoint cannot add SCRAM
# users when it formats the storage, so this script does what it does: KAFKA_* variables
# become server properties (KAFKA_LOG_DIRS -> log.dirs; "___" -> "-", "__" -> "_"), then the
# storage is formatted once, with the users, and the broker started.
# Passwords: KAFKA_ADMIN_PASSWORD and KAFKA_<SERVICE>_PASSWORD (never written to properties).
set -eu
: "${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is required}"
CONFIG=/tmp/platform/server.properties
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
mkdir -p /tmp/platform
umask 077

env | grep '^KAFKA_' \
  | grep -v -e '_PASSWORD=' -e '^KAFKA_HEAP_OPTS=' -e '^KAFKA_OPTS=' -e '^KAFKA_LOG4J_OPTS=' -e '^KAFKA_CLUSTER_ID=' -e '^KAFKA_HOME=' -e '^KAFKA_VERSION=' -e '^KAFKA_BIN=' \
  | while IFS='=' read -r name value; do
      key=$(echo "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
      echo "$key=$value"
    done > "$CONFIG"

scram='org.apache.kafka.common.security.scram.ScramLoginModule required'
cat >> "$CONFIG" <<PROPS
listener.name.services.scram-sha-512.sasl.jaas.config=$scram username="admin" password="$KAFKA_ADMIN_PASSWORD";
listener.name.external.scram-sha-512.sasl.jaas.config=$scram;
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD" user_admin="$KAFKA_ADMIN_PASSWORD";
PROPS

# The admin's client settings, for the healthcheck and tools run inside this container.
cat > /tmp/platform/admin-client.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPS

DATA=$(sed -n 's/^log\.dirs=//p' "$CONFIG")
if [ ! -f "$DATA/meta.properties" ]; then
  set --
  for user in admin dealreg incentives pipeline notifications; do
    var="KAFKA_$(echo "$user" | tr 'a-z' 'A-Z')_PASSWORD"
    password=$(printenv "$var") || { echo "start.sh: $var is required" >&2; exit 1; }
    set -- "$@" --add-scram "SCRAM-SHA-512=[name=$user,password=$password]"
  done
  cluster_id="${KAFKA_CLUSTER_ID:-$("$BIN/kafka-storage.sh" random-uuid)}"
  "$BIN/kafka-storage.sh" format -t "$cluster_id" -c "$CONFIG" "$@"
fi
exec "$BIN/kafka-server-start.sh" "$CONFIG"
