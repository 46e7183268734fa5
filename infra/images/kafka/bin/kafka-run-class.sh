#!/bin/sh
# kafka-run-class.sh CLASS ARGS...: the part of Kafka's own launcher the other scripts need.
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.yaml ${KAFKA_OPTS:-} -cp '/opt/kafka/libs/*' "$@"
