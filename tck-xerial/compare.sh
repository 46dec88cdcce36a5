#!/usr/bin/env bash
# Runs xerial sqlite-jdbc's own JUnit tests twice: unswapped on plain xerial (the baseline: what fails on this machine
# anyway) and with every jdbc:sqlite: swapped for jdbc:syncsqlite:. Prints the counts and every test that passes on
# plain and fails through the driver. See README.md beside this file.
# Usage: tck-xerial/compare.sh DIR   (DIR: the src/test folder of a xerial/sqlite-jdbc checkout)
set -euo pipefail
[ $# -eq 1 ] && [ -d "$1/java" ] || { echo "usage: $0 DIR (the src/test folder of xerial sqlite-jdbc: DIR/java, DIR/resources)" >&2; exit 2; }
tests=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p tck-xerial/target
run=(mvn -B -ntp -q -pl tck-xerial -am verify "-Dxerial.tests=$tests" "-Dtest=org.sqlite.**"
     -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dmaven.test.failure.ignore=true)
"${run[@]}" -Dxerial.plain > tck-xerial/target/xerial-plain.log 2>&1 || { tail -40 tck-xerial/target/xerial-plain.log; exit 1; }
"${run[@]}" > tck-xerial/target/xerial-driver.log 2>&1 || { tail -40 tck-xerial/target/xerial-driver.log; exit 1; }

# one line per test: "<class>.<method> pass|fail|skip", from the surefire XML reports of a mode
outcomes() {
    awk '
        /<testcase / {
            if (t != "") print t, s
            match($0, /name="[^"]*"/); n = substr($0, RSTART + 6, RLENGTH - 7)
            match($0, /classname="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12)
            t = c "." n; s = "pass"
        }
        /<failure|<error/ { s = "fail" }
        /<skipped/ { s = "skip" }
        END { if (t != "") print t, s }
    ' tck-xerial/target/surefire-reports-"$1"/TEST-*.xml | sort
}
outcomes plain > tck-xerial/target/outcomes-plain.txt
outcomes driver > tck-xerial/target/outcomes-driver.txt
count() { awk -v s="$2" '$2 == s' tck-xerial/target/outcomes-"$1".txt | wc -l; }
echo "xerial's tests: $(wc -l < tck-xerial/target/outcomes-plain.txt) ($(count plain skip) skipped by xerial)"
echo "failing on plain xerial here: $(count plain fail)"
echo "failing through jdbc:syncsqlite: $(count driver fail)"
echo "passing on plain, failing through the driver:"
join tck-xerial/target/outcomes-plain.txt tck-xerial/target/outcomes-driver.txt | awk '$2 == "pass" && $3 == "fail" { print "  " $1 }'
