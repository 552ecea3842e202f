#!/bin/bash
# Minimal kafka-run-class.sh: runs a class with every jar of /opt/kafka/libs on the class path.
# Honours KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS, KAFKA_LOG4J_OPTS, KAFKA_OPTS.
base=/opt/kafka
heap=${KAFKA_HEAP_OPTS:--Xmx256M}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}
# shellcheck disable=SC2086
exec java $heap $perf ${KAFKA_GC_LOG_OPTS-} ${KAFKA_JMX_OPTS-} $log4j ${KAFKA_OPTS-} -cp "$base/libs/*" "$@"
