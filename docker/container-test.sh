#!/usr/bin/env bash
# The container check of .ci/run (needs the jars: run after `./mvnw verify` or `./mvnw -DskipTests package`):
#   1. docker-compose.yml is valid, and names the pom's Kafka version (the project's one Kafka version);
#   2. starts a Docker API engine: rootful podman (see ../shared/design/CONTAINERS.md for why podman) with its
#      API on /run/podman/podman.sock, plus the health-check loop podman needs without systemd;
#   3. builds the images no registry here serves: the JRE base, apache/kafka:<pom version> and prom/prometheus
#      stand-ins (docker/local/), and the all-in-one image; builds the console image and checks it refuses to
#      start without a token and, with one, is healthy and answers only with it (docker/local/console-image.sh);
#   4. runs the project's docker-compose.yml end to end with all five sinks (docker/local/compose-e2e.sh);
#   5. runs ingest-api's and router-streams' tests (and the modules they build on) on Testcontainers' Kafka.
# Skips steps 2-5, saying why, only where no engine can run. DOCKER_HOST is set only inside this script.
# env: SKIP_TESTCONTAINERS=1 skips step 5.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
say() { printf 'container-test [%3ds]: %s\n' "$((SECONDS - started))" "$*"; }
skip() { say "SKIPPED: $*"; exit 0; }

for jar in ingest-api/target/sluice-ingest-api.jar router-streams/target/sluice-router-streams.jar \
           sink-firehose/target/sluice-sink-firehose.jar sink-forwarder/target/sluice-sink-forwarder.jar \
           sink-webhook/target/sluice-sink-webhook.jar sink-amplitude/target/sluice-sink-amplitude.jar \
           sink-mailchimp/target/sluice-sink-mailchimp.jar \
           all-in-one/target/sluice-all-in-one.jar console/target/sluice-console.jar; do
  [ -f "$jar" ] || { say "missing $jar: build first (./mvnw -DskipTests package)"; exit 1; }
done

apt_install() {  # installs Debian packages when we may (CI machines start bare); quiet unless it fails
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 0
  say "installing $*"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } > /tmp/container-test-apt.log 2>&1 \
    || say "could not install $* (see /tmp/container-test-apt.log)"
}

# 1. compose file valid; one Kafka version
# --no-install-recommends: docker-compose recommends docker.io, whose install may start a dockerd on
# /var/run/docker.sock, which would switch every other build's tests on this machine to Testcontainers
command -v docker-compose >/dev/null || apt_install --no-install-recommends docker-compose
command -v docker-compose >/dev/null || { say "docker-compose is missing and cannot be installed"; exit 1; }
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile firehose --profile forwarder --profile webhook --profile amplitude --profile mailchimp --profile console config -q
kafka_version=$(bash docker/local/kafka-version.sh)
stray=$(grep -n 'apache/kafka:' docker-compose.yml | grep -v "apache/kafka:$kafka_version\$" || true)
[ -z "$stray" ] || { say "docker-compose.yml names another Kafka than the pom's $kafka_version: $stray"; exit 1; }
say "docker-compose.yml is valid and runs apache/kafka:$kafka_version, the pom's Kafka"
# the public edge: only ingest-api's API port on every interface; Kafka's listener (which bypasses
# writeKeys) published only by the dev override. Debian's python3 has yaml, as docker-compose needs it.
docker-compose -f docker-compose.yml --profile firehose --profile forwarder --profile webhook --profile amplitude --profile mailchimp --profile console config \
  | /usr/bin/python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
problems = []
for name, svc in services.items():
    for port in svc.get("ports", []):
        text = str(port if isinstance(port, str) else port.get("host_ip", "") + ":" + str(port.get("published")))
        public = not text.startswith("127.0.0.1:")
        if name == "kafka" or (public and not (name == "ingest-api" and str(port.get("target") if isinstance(port, dict) else text.split(":")[-1].split("/")[0]) == "8080")):
            problems.append(f"{name}: {port}")
sys.exit("published beyond the public edge: " + "; ".join(problems) if problems else 0)
' || { say "docker-compose.yml publishes more than ingest-api's API port"; exit 1; }
dev_config=$(docker-compose -f docker-compose.yml -f docker-compose.dev.yml config)   # not piped: grep -q would SIGPIPE it under pipefail
[[ "$dev_config" == *"127.0.0.1:29092:29092"* ]] \
  || { say "docker-compose.dev.yml no longer publishes Kafka on the host's loopback"; exit 1; }
say "compose publishes only ingest-api's API port beyond loopback; Kafka only with docker-compose.dev.yml"

# 2. the engine
need=()
for cmd in podman:podman runc:runc netavark:netavark aardvark-dns:aardvark-dns iptables:iptables kcat:kcat curl:curl; do
  command -v "${cmd%%:*}" >/dev/null 2>&1 || [ -x "/usr/lib/podman/${cmd%%:*}" ] || need+=("${cmd#*:}")
done
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
command -v podman >/dev/null || skip "podman is not installed and cannot be installed here"
[ "$(id -u)" = 0 ] || skip "podman here needs root (rootless podman needs user namespaces this machine lacks)"
for cmd in kcat curl node npm python3; do command -v "$cmd" >/dev/null || skip "$cmd is missing"; done

sock=/run/podman/podman.sock
if curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
  skip "something already serves $sock (another run?); not sharing it"
fi
# runc (crun fails here), no systemd, ulimits under root's hard limits (podman's defaults exceed them and
# root lacks CAP_SYS_RESOURCE: "error setting rlimit"); an existing containers.conf is left alone
if [ ! -f /etc/containers/containers.conf ]; then
  cap() { if [ "$1" = unlimited ] || [ "$1" -gt 16384 ]; then echo 16384; else echo "$1"; fi; }
  nofile=$(cap "$(ulimit -Hn)") nproc=$(cap "$(ulimit -Hu)")
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi
mkdir -p /run/podman
podman system service --time=0 "unix://$sock" > /tmp/container-test-podman.log 2>&1 &
svc=$!
bash docker/local/health-pump.sh &
pump=$!
cleanup() {
  local rc=$?
  # every run rebuilds the images; the ones its tags moved away from would pile up (~1.5 GB a run)
  podman image prune -f >/dev/null 2>&1 || true
  kill "$pump" "$svc" 2>/dev/null || true
  wait "$pump" "$svc" 2>/dev/null || true
  rm -f "$sock"
  exit "$rc"
}
trap cleanup EXIT
for _ in $(seq 30); do curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 1; done
curl -fsS --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 || skip "podman's API service did not start"
export DOCKER_HOST=unix://$sock
say "podman $(podman version --format '{{.Server.Version}}') serves the Docker API on $sock"

# 3. images
CONTAINER_ENGINE=podman bash docker/build-local-base.sh >/dev/null 2>&1 || skip "cannot build the local JRE base image"
podman run --rm localhost/sluice-base:local java -version >/dev/null 2>&1 || skip "podman cannot run containers on this machine"
MVN=$PWD/mvnw bash docker/local/kafka-image/build-kafka-image.sh "docker.io/apache/kafka:$kafka_version" >/dev/null
prom_image=$(sed -n 's/^ *image: *\(prom\/prometheus:[^ ]*\) *$/\1/p' docker-compose.yml | head -1)
bash docker/local/build-prometheus-image.sh "docker.io/$prom_image" >/dev/null
podman build --format docker -q --build-arg BASE_IMAGE=localhost/sluice-base:local -t localhost/sluice/all-in-one:test \
  all-in-one >/dev/null
say "built the JRE base, apache/kafka:$kafka_version and $prom_image stand-ins, and the all-in-one image"
bash docker/local/console-image.sh localhost/sluice/console:test

# 4. compose
SLUICE_BASE_IMAGE=localhost/sluice-base:local ENGINE=podman bash docker/local/compose-e2e.sh
say "compose check passed"

# 5. Testcontainers: Ryuk needs a registry (SharedKafka's shutdown hook removes the containers instead);
# /.dockerenv here makes Testcontainers look for a bridge gateway instead of localhost
if [ -z "${SKIP_TESTCONTAINERS:-}" ]; then
  log=/tmp/container-test-testcontainers.log
  TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost \
    ./mvnw -B -pl ingest-api,router-streams -am verify -Dsluice.test.kafka=testcontainers 2>&1 | tee "$log" \
    | grep -E 'Tests run:|BUILD|ERROR|Container apache/kafka' || true
  grep -q 'BUILD SUCCESS' "$log" || { say "tests on Testcontainers failed (full output: $log)"; exit 1; }
  # proof the tests ran on containers: a broker container started in the test JVM of each of the two modules
  # (the test JVMs' logs are in surefire's per-class output files)
  on_containers=$(for m in ingest-api router-streams; do
    grep -l -F "Container apache/kafka:$kafka_version started" "$m"/target/surefire-reports/*-output.txt \
      >/dev/null 2>&1 && echo "$m"; done | tr '\n' ' ')
  for m in ingest-api router-streams; do
    case " $on_containers" in *" $m "*) ;; *) say "no Kafka container started for $m's tests (see $log)"; exit 1 ;; esac
  done
  say "tests pass on Testcontainers' apache/kafka:$kafka_version, a broker container each for: $on_containers"
fi
leftover=$(podman ps -aq --filter ancestor="docker.io/apache/kafka:$kafka_version")
[ -z "$leftover" ] || { say "Kafka containers left behind: $leftover"; podman rm -f $leftover >/dev/null; exit 1; }
say "PASSED"
