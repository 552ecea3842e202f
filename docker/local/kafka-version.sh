#!/usr/bin/env bash
# Prints the project's one Kafka version: the root pom's <kafka.version>. Build scripts, the compose check
# and the CI step read it here; the Java side gets the same number from the kafka-clients jar it runs on.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
v=$(sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "$root/pom.xml" | head -1)
[ -n "$v" ] || { echo "no <kafka.version> in $root/pom.xml" >&2; exit 1; }
echo "$v"
