#!/usr/bin/env bash
# Live demo of syncsqlite's nas transport: three replicas in separate JVMs edit a todo table through plain JDBC
# (jdbc:syncsqlite:) and sync through a temp shared folder, with no server. Needs JDK 17+ and Maven.
# ./demo.sh [FOLDER] keeps the files in FOLDER; ./demo-ws.sh syncs live over WebSocket through a hub instead.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building the driver, the transports and the demo (the first run downloads dependencies)..."
mkdir -p demo/target
if ! mvn -B -q -ntp -DskipTests -pl demo -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/demo-classpath.txt -Dmdep.includeScope=runtime > demo/target/demo-build.log 2>&1; then
    cat demo/target/demo-build.log
    exit 1
fi
exec java -cp "demo/target/classes:$(cat demo/target/demo-classpath.txt)" io.syncsqlite.demo.TodoDemo "$@"
