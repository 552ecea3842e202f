#!/usr/bin/env bash
# Container check without a Docker engine: validates docker-compose.yml, builds every service image
# with podman on a local JRE base, runs ingest-api, router-streams and both sinks as containers (host
# network) against an embedded broker, sends events through the ingest-api container and finds them
# routed in the typed topics. Skips, saying why, where podman cannot run containers.
# Needs the jars: run after `./mvnw verify` (or `./mvnw -DskipTests package`).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'container-test: %s\n' "$*"; }
skip() { say "SKIPPED: $*"; exit 0; }

need() {  # installs Debian packages when missing and we may (CI machines start bare)
  local missing=()
  for cmd in "$@"; do command -v "${cmd%%:*}" >/dev/null 2>&1 || missing+=("${cmd#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 || true
  fi
}

for jar in ingest-api/target/sluice-ingest-api.jar router-streams/target/sluice-router-streams.jar \
           sink-firehose/target/sluice-sink-firehose.jar sink-forwarder/target/sluice-sink-forwarder.jar \
           all-in-one/target/sluice-all-in-one.jar; do
  [ -f "$jar" ] || { say "missing $jar: build first (./mvnw -DskipTests package)"; exit 1; }
done

# 1. the compose file is valid
need docker-compose:docker-compose
if command -v docker-compose >/dev/null; then
  docker-compose -f docker-compose.yml config -q
  docker-compose -f docker-compose.yml --profile firehose --profile forwarder config -q
  say "docker-compose.yml is valid"
else
  say "docker-compose not available: compose file not validated"
fi

# 2. images build and run here (podman with runc, as root: the only container runtime this machine has)
need podman:podman runc:runc kcat:kcat curl:curl
command -v podman >/dev/null || skip "podman is not installed and cannot be installed here"
[ "$(id -u)" = 0 ] || skip "podman here needs root"
engine=(podman --runtime runc)
# no systemd here to schedule health checks: the test runs the image's HEALTHCHECK itself
run_opts=(--network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --health-interval=disable)
CONTAINER_ENGINE=podman bash docker/build-local-base.sh >/dev/null 2>&1 || skip "cannot build the local JRE base image"
"${engine[@]}" run --rm "${run_opts[@]}" localhost/sluice-base:local java -version >/dev/null 2>&1 \
  || skip "podman cannot run containers on this machine"

for m in ingest-api router-streams sink-firehose sink-forwarder all-in-one; do
  "${engine[@]}" build --format docker -q --build-arg BASE_IMAGE=localhost/sluice-base:local \
    -t "localhost/sluice/$m:test" "$m" >/dev/null
  say "built image sluice/$m"
done

work=$(mktemp -d)
names=(sluice-ct-ingest sluice-ct-router sluice-ct-firehose sluice-ct-forwarder)
cleanup() {
  local rc=$?
  "${engine[@]}" rm -f "${names[@]}" >/dev/null 2>&1 || true
  if [ -n "${broker_pid:-}" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

kport=29092
SLUICE_KAFKA_PORT=$kport SLUICE_DATA_DIR="$work/kafka" java -cp all-in-one/target/sluice-all-in-one.jar \
  dev.sluice.embeddedkafka.Main >"$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 60); do grep -q "listening" "$work/broker.log" && break; sleep 1; done
grep -q "listening" "$work/broker.log" || { cat "$work/broker.log"; say "broker did not start"; exit 1; }

common=(-e KAFKA_BOOTSTRAP_SERVERS=localhost:$kport -e SLUICE_TOPIC_PARTITIONS=1)
# podman complains on every run that there is no systemd to schedule health checks; keep other errors
prun() { "${engine[@]}" run "$@" 2> >(grep -v 'systemd connection' >&2); }
prun -d --name sluice-ct-ingest "${run_opts[@]}" "${common[@]}" -e SLUICE_INGEST_PORT=28080 \
  -e SLUICE_WRITE_KEYS=ct-key=ct-project localhost/sluice/ingest-api:test >/dev/null
prun -d --name sluice-ct-router "${run_opts[@]}" "${common[@]}" -e SLUICE_ADMIN_PORT=29101 \
  localhost/sluice/router-streams:test >/dev/null
prun -d --name sluice-ct-firehose "${run_opts[@]}" "${common[@]}" -e SLUICE_ADMIN_PORT=29102 \
  -e SLUICE_FIREHOSE_DEFAULT_STREAM=ct-stream -e SLUICE_FIREHOSE_ENDPOINT=http://127.0.0.1:9 \
  -e AWS_REGION=us-east-1 -e AWS_ACCESS_KEY_ID=ct -e AWS_SECRET_ACCESS_KEY=ct localhost/sluice/sink-firehose:test >/dev/null
prun -d --name sluice-ct-forwarder "${run_opts[@]}" "${common[@]}" -e SLUICE_ADMIN_PORT=29103 \
  -e SLUICE_FORWARD_URL=http://127.0.0.1:9/v1/batch -e SLUICE_FORWARD_WRITE_KEYS=ct-project=ct-dest \
  localhost/sluice/sink-forwarder:test >/dev/null

wait_ok() {  # url, what
  for _ in $(seq 90); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  say "$2 never answered $1"; for n in "${names[@]}"; do echo "--- $n"; "${engine[@]}" logs "$n" 2>&1 | tail -20; done
  exit 1
}
wait_ok http://localhost:28080/readyz "ingest-api container"
wait_ok http://localhost:29101/readyz "router-streams container"
wait_ok http://localhost:29102/healthz "sink-firehose container"
wait_ok http://localhost:29103/healthz "sink-forwarder container"
say "all four service containers are up"

batch='{"batch":['
for t in track identify page screen group alias; do
  batch+="{\"type\":\"$t\",\"userId\":\"u\",\"event\":\"E\",\"groupId\":\"g\",\"previousId\":\"p\",\"messageId\":\"ct-$t\"},"
done
batch="${batch%,}]}"
code=$(curl -s -o "$work/resp" -w '%{http_code}' -u ct-key: -d "$batch" http://localhost:28080/v1/batch)
[ "$code" = 200 ] || { say "ingest-api answered $code: $(cat "$work/resp")"; exit 1; }

for t in track identify page screen group alias; do
  found=""
  for _ in $(seq 60); do
    if kcat -b localhost:$kport -C -t "sluice.events.$t" -o beginning -e -q -X isolation.level=read_committed \
        2>/dev/null | grep -q "\"messageId\":\"ct-$t\""; then found=yes; break; fi
    sleep 1
  done
  [ -n "$found" ] || { say "event ct-$t not found in sluice.events.$t"; "${engine[@]}" logs sluice-ct-router | tail -30; exit 1; }
done
say "events sent to the ingest-api container were routed by the router container into all six typed topics"

"${engine[@]}" healthcheck run sluice-ct-ingest >/dev/null && say "image HEALTHCHECK passes" \
  || { say "the image HEALTHCHECK failed"; exit 1; }
user=$("${engine[@]}" inspect --format '{{.Config.User}}' sluice-ct-ingest)
[ "$user" = "10001:10001" ] || { say "container runs as '$user', not the non-root 10001"; exit 1; }
say "PASSED"
