#!/usr/bin/env bash
# Live demo of syncsqlite's nas transport: three replicas in separate JVMs edit a todo table through plain JDBC
# (jdbc:syncsqlite:) and sync through a temp shared folder, with no server. Needs JDK 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building the driver and the nas transport (the first run downloads dependencies)..."
mkdir -p target
if ! mvn -B -q -ntp -DskipTests -pl transport-nas -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/demo-classpath.txt -Dmdep.includeScope=runtime > target/demo-build.log 2>&1; then
    cat target/demo-build.log
    exit 1
fi
exec java -cp "transport-nas/target/classes:$(cat transport-nas/target/demo-classpath.txt)" \
    io.syncsqlite.transport.nas.demo.TodoDemo "$@"
