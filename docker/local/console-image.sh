#!/usr/bin/env bash
# Builds the console image (console/Dockerfile) on the local JRE base and checks it as a user would run it:
#   1. without SLUICE_CONSOLE_TOKEN it refuses to start (it listens on 0.0.0.0 in a container), naming the variable;
#   2. with one, its HEALTHCHECK passes and, through a port published on loopback, /healthz answers without
#      the token, the API only with it (Kafka need not be up: the console reads it in the background).
# usage: console-image.sh TAG   (after `./mvnw -DskipTests package`; env: ENGINE (podman), BASE_IMAGE)
set -euo pipefail
cd "$(dirname "$0")/../.."
engine=${ENGINE:-podman}
base=${BASE_IMAGE:-localhost/sluice-base:local}
tag=$1
say() { printf 'console-image: %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
"$engine" build --format docker -q --build-arg BASE_IMAGE="$base" -t "$tag" console >/dev/null

out=$("$engine" run --rm "$tag" 2>&1) && fail "started without SLUICE_CONSOLE_TOKEN"
grep -q 'SLUICE_CONSOLE_TOKEN is required' <<<"$out" || fail "refused, but without naming SLUICE_CONSOLE_TOKEN: $out"

token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
name=sluice-console-check-$$
"$engine" run -d --name "$name" -p "127.0.0.1:$port:9090" -e SLUICE_CONSOLE_TOKEN="$token" \
  -e KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 "$tag" >/dev/null 2>/tmp/console-image-run.log \
  || { cat /tmp/console-image-run.log; fail "cannot start the image"; }  # (podman without systemd complains here)
trap '"$engine" rm -f "$name" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 1; done
curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" || { "$engine" logs "$name" | tail -20; fail "no /healthz"; }
"$engine" healthcheck run "$name" >/dev/null || fail "its HEALTHCHECK fails"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/events")
[ "$code" = 401 ] || fail "/api/events without the token answered $code, not 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/events")
[ "$code" = 200 ] || fail "/api/events with the token answered $code, not 200"
[ "$("$engine" inspect -f '{{.Config.User}}' "$name")" = 10001:10001 ] || fail "does not run as 10001"
say "the console image refuses to start without a token; with one it is healthy and answers only with it"
