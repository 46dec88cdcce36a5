#!/usr/bin/env bash
# Live demo over WebSocket: the same three todo replicas as ./demo.sh (separate JVMs, plain JDBC on jdbc:syncsqlite:),
# syncing live through a syncsqlite hub that the demo starts on loopback (sync.transport=ws). Needs JDK 17+ and Maven.
set -euo pipefail
exec "$(dirname "$0")/demo.sh" "$@" --ws
