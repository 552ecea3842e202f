#!/usr/bin/env bash
# The project's docker-compose.yml, unchanged, end to end on a Docker API engine (docker/container-test.sh
# starts one with podman; plain Docker works too). From the repository root, after `./mvnw -DskipTests package`,
# with the engine's apache/kafka and prom/prometheus images at hand (pulled, or built by docker/local/*):
#   DOCKER_HOST=unix:///run/podman/podman.sock bash docker/local/compose-e2e.sh
# Checks, through the composed stack with all five sink profiles (firehose, forwarder, webhook, amplitude,
# mailchimp) and the console's (no grafana: no image of it here):
#   1. events from the real Segment SDK (@segment/analytics-node) into the ingest-api container reach all six
#      typed topics and all five destinations (local Firehose, Segment, webhook, Amplitude and Mailchimp
#      stand-ins, destinations.py): every event at the Firehose, Segment and webhook ones, all but the alias at
#      Amplitude (it has no alias), the identify's member at Mailchimp; every service's HEALTHCHECK passes, it
#      runs as 10001, Prometheus has every target up, and the broker's data is on the kafka-data volume; the
#      console (its token from the environment) shows every one of those events as routed and, from the sinks'
#      delivery log, delivered by each sink it belongs at;
#   2. with the sinks stopped, more events; `up -d --force-recreate kafka`, then `restart` of every service:
#      all events still in the topics, the held-back ones delivered once the sinks resume;
#   3. `down` (volumes kept) then `up`: all events still in the topics; new ones still flow through.
# env: PROJECT (sluicee2e), ENGINE (podman; the CLI for inspect), SLUICE_BASE_IMAGE, SLUICE_*_HOST_PORT
#      (default: free ports picked here, so a shared machine's 8080 etc. do not matter).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
here=docker/local
export COMPOSE_DOCKER_CLI_BUILD=${COMPOSE_DOCKER_CLI_BUILD:-0}   # builds through the engine's API, no docker CLI needed
project=${PROJECT:-sluicee2e}
engine=${ENGINE:-podman}
started=$SECONDS
say() { printf 'compose-e2e [%3ds]: %s\n' "$((SECONDS - started))" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

# host ports: free ones below the ephemeral range, which the stack holds for minutes across down/up
# (a port from bind(0) may be handed to another program's bind(0) or outgoing connection meanwhile)
free_ports() {  # n -> n distinct ports free now
  python3 - "$1" <<'PY'
import random, socket, sys
try:
    ephemeral_low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    ephemeral_low = 32768
chosen = []
while len(chosen) < int(sys.argv[1]):
    port = random.randint(20000, min(ephemeral_low, 32768) - 1)
    if port in chosen or port in (29092, 3000, 8080, 9090, 9092):
        continue
    with socket.socket() as s:
        try:
            s.bind(("", port))
        except OSError:
            continue
    chosen.append(port)
print(" ".join(map(str, chosen)))
PY
}
read -r -a ports <<< "$(free_ports 12)"
i=0
for var in SLUICE_KAFKA_HOST_PORT SLUICE_INGEST_HOST_PORT SLUICE_ROUTER_HOST_PORT SLUICE_FIREHOSE_HOST_PORT \
           SLUICE_FORWARDER_HOST_PORT SLUICE_PROMETHEUS_HOST_PORT SLUICE_INGEST_ADMIN_HOST_PORT \
           SLUICE_GRAFANA_HOST_PORT SLUICE_WEBHOOK_HOST_PORT SLUICE_AMPLITUDE_HOST_PORT \
           SLUICE_MAILCHIMP_HOST_PORT SLUICE_CONSOLE_HOST_PORT; do
  [ -n "${!var:-}" ] || export "$var=${ports[$i]}"
  i=$((i + 1))
done
ingest=http://localhost:$SLUICE_INGEST_HOST_PORT
kafka=localhost:$SLUICE_KAFKA_HOST_PORT
prometheus=http://localhost:$SLUICE_PROMETHEUS_HOST_PORT
console=http://localhost:$SLUICE_CONSOLE_HOST_PORT
SLUICE_CONSOLE_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export SLUICE_CONSOLE_TOKEN
types=(track identify page screen group alias)
sinks=(sink-firehose sink-forwarder sink-webhook sink-amplitude sink-mailchimp)
services=(kafka kafka-init ingest-api router-streams "${sinks[@]}" console prometheus)
app_services=(ingest-api router-streams "${sinks[@]}" console)

work=$(mktemp -d)
"$engine" volume ls -q > "$work/volumes.before" 2>/dev/null || true
# with the documented dev override, which publishes Kafka's listener on the host's loopback for kcat
dc() {
  docker-compose -p "$project" -f docker-compose.yml -f docker-compose.dev.yml --profile firehose --profile forwarder \
    --profile webhook --profile amplitude --profile mailchimp --profile console "$@"
}
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    dc ps 2>/dev/null || true
    dc logs --no-color --tail=25 "${app_services[@]}" 2>/dev/null || true
    dc logs --no-color --tail=300 kafka 2>/dev/null | grep -E ' (WARN|ERROR) ' | tail -15 || true
  fi
  dc down -v >/dev/null 2>&1 || true
  # and the anonymous volumes of the images' VOLUMEs, which compose 1.29's `down -v` leaves on podman
  "$engine" volume ls -q 2>/dev/null | grep -vxFf "$work/volumes.before" | xargs -r "$engine" volume rm >/dev/null 2>&1 || true
  if [ -n "${dest_pid:-}" ]; then kill "$dest_pid" 2>/dev/null || true; wait "$dest_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# the destinations' stand-ins run on this host; the sink containers reach them through the host's address
python3 "$here/destinations.py" "$work/dest.port" &
dest_pid=$!
for _ in $(seq 50); do [ -s "$work/dest.port" ] && break; sleep 0.1; done
[ -s "$work/dest.port" ] || fail "destination stand-ins did not start"
host_ip=$(hostname -I | awk '{print $1}')
dest=http://$host_ip:$(cat "$work/dest.port")
# the webhook endpoints file, mounted into sink-webhook (read there as 10001)
cat > "$work/webhooks.json" <<JSON
{"endpoints": [{"name": "ci-hook", "url": "$dest/webhook/ci-hook", "mode": "batch", "maxEvents": 50}]}
JSON
chmod 644 "$work/webhooks.json"
# ingest-api's dev-write-key belongs to project "dev": the Amplitude key is that project's
export SLUICE_FIREHOSE_DEFAULT_STREAM=ci-stream SLUICE_FIREHOSE_ENDPOINT=$dest \
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=ci-access-key AWS_SECRET_ACCESS_KEY=ci-secret \
  SLUICE_FORWARD_URL=$dest/v1/batch SLUICE_FORWARD_WRITE_KEYS=dev=ci-destination-key \
  SLUICE_WEBHOOK_CONFIG_FILE=$work/webhooks.json \
  SLUICE_AMPLITUDE_URL=$dest/2/httpapi SLUICE_AMPLITUDE_API_KEYS=dev=ci-amplitude-key \
  SLUICE_MAILCHIMP_URL=$dest SLUICE_MAILCHIMP_API_KEY=ci-mailchimp-key-us1 SLUICE_MAILCHIMP_DEFAULT_LIST=ci-list
say "destinations: Firehose, Segment, webhook, Amplitude and Mailchimp stand-ins at $dest"

# the real Segment SDK, from npm
( cd "$work" && cp "$root/$here/segment-sdk/package.json" . && npm install --no-audit --no-fund --silent >/dev/null ) \
  || fail "cannot install @segment/analytics-node from npm"
send() {  # tag -> appends "<type> <messageId>" lines to $work/sent.<tag>
  NODE_PATH=$work/node_modules node "$here/segment-sdk/send-events.js" "$ingest" dev-write-key "$1" > "$work/sent.$1" \
    || fail "the Segment SDK could not deliver batch $1 to ingest-api"
  say "Segment SDK sent batch $1: $(wc -l < "$work/sent.$1") events, accepted by ingest-api ($(head -1 "$work/sent.$1"), ...)"
}

wait_for() {  # seconds, description, command...
  local limit=$1 what=$2; shift 2
  local until=$((SECONDS + limit))
  rm -f "$work/why"
  until "$@"; do
    [ $SECONDS -lt $until ] || fail "$what (waited ${limit}s)$(sed 's/^/: /' "$work/why" 2>/dev/null)"
    sleep 2
  done
}
in_topics() {  # tags...: every event of those batches is in its typed topic (read_committed, from the start)
  local t
  for t in "${types[@]}"; do
    kcat -b "$kafka" -C -t "sluice.events.$t" -o beginning -e -q -X isolation.level=read_committed \
      2>/dev/null > "$work/topic.$t" || return 1
  done
  local tag type id
  for tag in "$@"; do
    while read -r type id; do grep -q "\"messageId\":\"$id\"" "$work/topic.$type" || return 1; done < "$work/sent.$tag"
  done
}
arrivals() {  # tags... -> "firehose=6/6 segment=6/6 ..." how much of those batches each stand-in got
  curl -fsS "$dest/received" > "$work/received" || { echo "stand-ins not answering"; return 1; }
  local tag files=()
  for tag in "$@"; do files+=("$tag=$work/sent.$tag"); done
  python3 - "$work/received" "${files[@]}" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
at = {  # destination -> what arrived there, as the ids the check expects
    "firehose": set(got["firehose"].get("ci-stream", [])),
    "segment": set(got["segment"].get("ci-destination-key", [])),
    "webhook": set(got["webhook"].get("ci-hook", [])),
    "amplitude": set(got["amplitude"].get("ci-amplitude-key", [])),
    "mailchimp": set(got["mailchimp"].get("ci-list", [])),
}
expected = {d: [] for d in at}
for arg in sys.argv[2:]:
    tag, path = arg.split("=", 1)
    sent = [line.split() for line in open(path) if line.strip()]
    for d in ("firehose", "segment", "webhook"):
        expected[d] += [i for _, i in sent]
    # Amplitude's HTTP V2 API has no alias (the sink discards it); Mailchimp keeps the identify's member
    expected["amplitude"] += [i for t, i in sent if t != "alias"]
    expected["mailchimp"] += [f"compose-check-{tag}@example.com"]
print(" ".join(f"{d}={sum(i in at[d] for i in ids)}/{len(ids)}" for d, ids in expected.items()))
PY
}
delivered() {  # tags...: every event of those batches reached each destination it belongs at
  local counts
  counts=$(arrivals "$@") || return 1
  echo "$counts" > "$work/why"
  python3 -c 'import sys; sys.exit(0 if all(a == b for a, b in (c.split("=")[1].split("/") for c in sys.argv[1].split())) else 1)' "$counts"
}
untouched() {  # tags...: nothing of those batches reached any destination
  local counts
  counts=$(arrivals "$@") || return 1
  python3 -c 'import sys; sys.exit(0 if all(c.split("=")[1].startswith("0/") for c in sys.argv[1].split()) else 1)' "$counts"
}
in_console() {  # tags...: the console (with its token) shows every event of those batches as routed and, from
  # the sinks' delivery log, delivered by each sink it belongs at (Amplitude discards the alias)
  local tag type id
  for tag in "$@"; do
    while read -r type id; do
      curl -fsS -H "Authorization: Bearer $SLUICE_CONSOLE_TOKEN" "$console/api/messages/$id" > "$work/console.json" \
        2>/dev/null || { echo "console not answering for $id" > "$work/why"; return 1; }
      python3 - "$work/console.json" "$type" > "$work/why" <<'PY' || return 1
import json, sys
path, kind = json.load(open(sys.argv[1])), sys.argv[2]
want = {"sink-firehose": "delivered", "sink-forwarder": "delivered", "sink-webhook": "delivered",
        "sink-amplitude": "discarded" if kind == "alias" else "delivered"}
if kind == "identify":
    want["sink-mailchimp"] = "delivered"
got = {d["sink"]: d["outcome"] for d in path.get("deliveries", [])}
missing = {s: o for s, o in want.items() if got.get(s) != o}
if not path["routed"] or missing:
    print(f"console: {path['messageId']} ({kind}) routed={bool(path['routed'])}, deliveries {got}, expected {want}")
    sys.exit(1)
PY
    done < "$work/sent.$tag"
  done
}
ready() { curl -fsS -o /dev/null "http://localhost:$SLUICE_INGEST_ADMIN_HOST_PORT/readyz" 2>/dev/null; }
healthy() {  # every service container's own HEALTHCHECK passes
  local s id
  for s in "${app_services[@]}"; do
    id=$(dc ps -q "$s") && [ -n "$id" ] || return 1
    [ "$("$engine" inspect --format '{{.State.Health.Status}}' "$id")" = healthy ] || return 1
  done
}
targets_up() {  # the composed Prometheus scrapes all seven services and each target is up
  curl -fsS "$prometheus/api/v1/targets" 2>/dev/null | python3 -c '
import json, sys
targets = json.load(sys.stdin)["data"]["activeTargets"]
jobs = sorted(t["labels"].get("service", "") for t in targets if t["health"] == "up")
sys.exit(0 if jobs == ["ingest-api", "router-streams", "sink-amplitude", "sink-firehose", "sink-forwarder",
                      "sink-mailchimp", "sink-webhook"] else 1)'
}
quiet() {  # runs a compose command, showing its output only when it fails
  dc "$@" > "$work/dc.log" 2>&1 || { cat "$work/dc.log"; fail "docker-compose $*"; }
}
stack_up() {
  quiet up -d "$@" "${services[@]}"
  wait_for 240 "ingest-api in the stack never became ready" ready
}

dc down -v >/dev/null 2>&1 || true   # leftovers of an interrupted run

# 1. up, events through to all five destinations
say "compose up (project $project; kafka $kafka, ingest $ingest, prometheus $prometheus)"
stack_up --build
say "stack ready"
send a
wait_for 120 "batch a not in the typed topics" in_topics a
say "batch a: in all six typed topics"
wait_for 180 "batch a not delivered to every destination" delivered a
say "batch a: delivered to every stand-in: $(arrivals a)"
wait_for 180 "a service's HEALTHCHECK does not pass" healthy
for s in "${app_services[@]}"; do
  user=$("$engine" inspect --format '{{.Config.User}}' "$(dc ps -q "$s")")
  [ "$user" = 10001:10001 ] || fail "$s runs as '$user', not the non-root 10001"
done
say "every service's HEALTHCHECK passes; every service runs as 10001"
code=$(curl -s -o /dev/null -w '%{http_code}' "$console/api/events")
[ "$code" = 401 ] || fail "the composed console answered $code without its token, not 401"
wait_for 60 "the console does not show batch a routed and delivered" in_console a
say "console: batch a routed and delivered by each sink, as the console shows it from the delivery log (nothing without the token)"
wait_for 90 "Prometheus does not have all seven targets up" targets_up
say "Prometheus: all seven targets up"
volume=$("$engine" volume inspect --format '{{.Mountpoint}}' "${project}_kafka-data")
[ -d "$volume/sluice.events.track-0" ] || fail "no topic data on the kafka-data volume ($volume): $(ls "$volume" | tr '\n' ' ')"
say "broker data is on the kafka-data volume"

# 2. recreate the broker, restart everything, while the sinks hold back batch b
quiet stop "${sinks[@]}"
send b
wait_for 120 "batch b not in the typed topics" in_topics b
untouched b || fail "batch b reached a destination with the sinks stopped: $(arrivals b)"
say "batch b: in the topics, sinks stopped; recreating kafka"
quiet up -d --force-recreate kafka
wait_for 180 "after recreating kafka, batches a and b are not all in the topics" in_topics a b
say "kafka recreated: batches a and b still in the topics; restarting every service"
quiet restart
wait_for 240 "ingest-api never became ready after the restart" ready
wait_for 180 "after the restart, batch b was not delivered once the sinks resumed" delivered a b
say "restart: batch b delivered to every destination once the sinks resumed: $(arrivals b)"
send c
wait_for 120 "batch c not through the restarted stack" delivered c
wait_for 60 "batches a b c not all in the topics" in_topics a b c
say "batch c: through the restarted stack"

# 3. down without -v, then up: the data stays
quiet down
say "down (volumes kept); up again"
stack_up
wait_for 180 "after down/up, batches a b c are not all in the topics" in_topics a b c
send d
wait_for 180 "batch d not through the stack after down/up" delivered d
wait_for 60 "batch d not in the topics" in_topics a b c d
wait_for 90 "after down/up, Prometheus does not have all seven targets up" targets_up
say "down/up: batches a b c kept, batch d through to every destination, all targets up"
say "PASSED"
