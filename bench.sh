#!/usr/bin/env bash
# The benchmark suite (issue 7): plain jdbc:sqlite vs jdbc:syncsqlite writes and reads, end-to-end sync through nas
# and http, and the bootstrap of a new replica; prints one table. ./bench.sh --quick for a ~2 minute run.
# Extra JVM options for the bench process (e.g. a JFR recording): BENCH_JAVA_OPTS="-XX:StartFlightRecording=..."
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p bench/target
if ! mvn -q -ntp -DskipTests -pl bench -am package > bench/target/bench-build.log 2>&1; then
    cat bench/target/bench-build.log
    exit 1
fi
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -jar bench/target/syncsqlite-bench.jar "$@"
