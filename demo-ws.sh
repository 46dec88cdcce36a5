#!/usr/bin/env bash
# Live demo over WebSocket: the same three todo replicas as ./demo.sh (separate JVMs, plain JDBC on jdbc:syncsqlite:),
# syncing live through a syncsqlite hub that the demo starts on loopback (sync.transport=ws). Needs JDK 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building the driver, the hub and the ws transport (the first run downloads dependencies)..."
mkdir -p target
if ! mvn -B -q -ntp -DskipTests -pl hub,transport-nas,transport-ws -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/demo-classpath.txt -Dmdep.includeScope=runtime > target/demo-ws-build.log 2>&1; then
    cat target/demo-ws-build.log
    exit 1
fi
exec java -cp "transport-nas/target/classes:transport-ws/target/classes:$(cat transport-ws/target/demo-classpath.txt)" \
    io.syncsqlite.transport.nas.demo.TodoDemo "$@" --hub hub/target/syncsqlite-hub.jar
