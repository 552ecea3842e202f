#!/usr/bin/env bash
# A real Prometheus scrapes all-in-one's seven endpoints (ingest-api, router-streams, sink-firehose,
# sink-forwarder, sink-webhook, sink-amplitude, sink-mailchimp) with the scrape config of
# docker/prometheus/prometheus.yml, plus the console's /metrics (a job of its own: on loopback it needs no
# token; compose's config leaves it out, since off loopback it needs the console's token), while events flow to local stand-ins of Firehose, Segment, a webhook
# endpoint, Amplitude and Mailchimp; then every target must be up and every PromQL expression of the
# provisioned Grafana dashboard must return data. Installs Debian's prometheus when missing; says SKIPPED
# (exit 0) when it cannot get it, FAILED (exit 1) when a check fails.
# Needs all-in-one/target/sluice-all-in-one.jar (./mvnw -B verify or package builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."

JAR=all-in-one/target/sluice-all-in-one.jar
DASHBOARD=${SLUICE_CHECK_DASHBOARD:-docker/grafana/dashboards/sluice.json}  # another file: to see the check fail
SCRAPE=docker/prometheus/prometheus.yml
WORK=$(mktemp -d /tmp/sluice-prometheus-check.XXXXXX)
PIDS=()

say() { echo "prometheus-check: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  say "FAILED: $*"
  for f in sluice.log prometheus.log standins.out; do
    [ -f "$WORK/$f" ] && { echo "--- last lines of $f"; tail -n 40 "$WORK/$f"; }
  done
  exit 1
}

[ -f "$JAR" ] || fail "$JAR is missing: build it first (./mvnw -B verify)"
command -v java >/dev/null || fail "no java on PATH"
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "${missing[*]} not installed, and apt-get cannot install it here (needs root on Debian)"
  fi
  say "installing ${missing[*]} from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log"; skip "apt-get could not install ${missing[*]}"; }
fi
say "$(prometheus --version 2>&1 | head -n 1)"

# stand-ins and free ports
java ci/prometheus/StandIns.java >"$WORK/standins.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do grep -q '^FREE_PORTS=' "$WORK/standins.out" && break; sleep 0.5; done
grep -q '^FREE_PORTS=' "$WORK/standins.out" || fail "the stand-ins did not start"
eval "$(grep -E '^(SEGMENT_URL|FIREHOSE_ENDPOINT|WEBHOOK_URL|AMPLITUDE_URL|MAILCHIMP_URL|STATS_URL|FREE_PORTS)=' "$WORK/standins.out")"
read -r KAFKA_PORT INGEST_PORT INGEST_ADMIN_PORT ROUTER_PORT FIREHOSE_PORT FORWARDER_PORT PROM_PORT WEBHOOK_PORT \
  AMPLITUDE_PORT MAILCHIMP_PORT CONSOLE_PORT <<<"$FREE_PORTS"
printf '{"endpoints":[{"name":"check","url":"%s"}]}\n' "$WEBHOOK_URL" >"$WORK/webhooks.json"

# all-in-one from the built jar, its own embedded broker
env -u KAFKA_BOOTSTRAP_SERVERS \
  SLUICE_DATA_DIR="$WORK/data" SLUICE_KAFKA_PORT="$KAFKA_PORT" SLUICE_INGEST_PORT="$INGEST_PORT" \
  SLUICE_INGEST_ADMIN_PORT="$INGEST_ADMIN_PORT" SLUICE_CONSOLE_PORT="$CONSOLE_PORT" \
  SLUICE_ROUTER_ADMIN_PORT="$ROUTER_PORT" SINK_FIREHOSE__SLUICE_ADMIN_PORT="$FIREHOSE_PORT" \
  SINK_FORWARDER__SLUICE_ADMIN_PORT="$FORWARDER_PORT" SLUICE_WRITE_KEYS=check-key=check \
  SLUICE_FIREHOSE_DEFAULT_STREAM=check-events SLUICE_FIREHOSE_ENDPOINT="$FIREHOSE_ENDPOINT" \
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=check AWS_SECRET_ACCESS_KEY=check \
  SLUICE_FORWARD_URL="$SEGMENT_URL" SLUICE_FORWARD_DEFAULT_WRITE_KEY=segment-key \
  SLUICE_WEBHOOK_CONFIG="$WORK/webhooks.json" SINK_WEBHOOK__SLUICE_ADMIN_PORT="$WEBHOOK_PORT" \
  SINK_AMPLITUDE__SLUICE_ADMIN_PORT="$AMPLITUDE_PORT" SLUICE_AMPLITUDE_URL="$AMPLITUDE_URL" \
  SLUICE_AMPLITUDE_API_KEYS=check=amplitude-key \
  SINK_MAILCHIMP__SLUICE_ADMIN_PORT="$MAILCHIMP_PORT" SLUICE_MAILCHIMP_URL="$MAILCHIMP_URL" \
  SLUICE_MAILCHIMP_API_KEY=check-us1 SLUICE_MAILCHIMP_DEFAULT_LIST=check-list \
  java -Xmx768m -jar "$JAR" >"$WORK/sluice.log" 2>&1 &
SLUICE_PID=$!
PIDS+=($SLUICE_PID)
ENDPOINTS=("$INGEST_ADMIN_PORT/readyz" "$ROUTER_PORT/readyz" "$FIREHOSE_PORT/healthz" "$FORWARDER_PORT/healthz"
  "$WEBHOOK_PORT/healthz" "$AMPLITUDE_PORT/healthz" "$MAILCHIMP_PORT/healthz" "$CONSOLE_PORT/healthz")
for endpoint in "${ENDPOINTS[@]}"; do
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "http://127.0.0.1:$endpoint" && break
    kill -0 "$SLUICE_PID" 2>/dev/null || fail "all-in-one exited"
    sleep 0.5
  done
  curl -fs -o /dev/null "http://127.0.0.1:$endpoint" || fail "http://127.0.0.1:$endpoint did not answer in 120 s"
done
say "all-in-one is up (ingest :$INGEST_PORT, admin :$INGEST_ADMIN_PORT, router :$ROUTER_PORT, sink-firehose :$FIREHOSE_PORT, sink-forwarder :$FORWARDER_PORT, sink-webhook :$WEBHOOK_PORT, sink-amplitude :$AMPLITUDE_PORT, sink-mailchimp :$MAILCHIMP_PORT, console :$CONSOLE_PORT)"

# the compose scrape config, pointed at this machine's ports and scraping every 2 s
sed -e "s/\"ingest-api:[0-9]*\"/\"127.0.0.1:$INGEST_ADMIN_PORT\"/" \
    -e "s/\"router-streams:[0-9]*\"/\"127.0.0.1:$ROUTER_PORT\"/" \
    -e "s/\"sink-firehose:[0-9]*\"/\"127.0.0.1:$FIREHOSE_PORT\"/" \
    -e "s/\"sink-forwarder:[0-9]*\"/\"127.0.0.1:$FORWARDER_PORT\"/" \
    -e "s/\"sink-webhook:[0-9]*\"/\"127.0.0.1:$WEBHOOK_PORT\"/" \
    -e "s/\"sink-amplitude:[0-9]*\"/\"127.0.0.1:$AMPLITUDE_PORT\"/" \
    -e "s/\"sink-mailchimp:[0-9]*\"/\"127.0.0.1:$MAILCHIMP_PORT\"/" \
    -e "s/scrape_interval: .*/scrape_interval: 2s/" "$SCRAPE" >"$WORK/prometheus.yml"
[ "$(grep -c '"127.0.0.1:' "$WORK/prometheus.yml")" = 7 ] \
  || fail "$SCRAPE no longer names the seven services as ingest-api, router-streams, sink-firehose, sink-forwarder, sink-webhook, sink-amplitude, sink-mailchimp"
cat >>"$WORK/prometheus.yml" <<YAML
  - job_name: sluice-console
    static_configs:
      - targets: ["127.0.0.1:$CONSOLE_PORT"]
        labels: {service: console}
YAML
promtool check config "$WORK/prometheus.yml" >/dev/null || fail "promtool rejects the scrape config"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
PROM="http://127.0.0.1:$PROM_PORT"
for _ in $(seq 1 60); do curl -fs -o /dev/null "$PROM/-/ready" && break; sleep 0.5; done
curl -fs -o /dev/null "$PROM/-/ready" || fail "prometheus did not get ready"

# events of every type, and one that Segment refuses (a 400: the forwarder dead-letters it)
send_events() {
  local n=$1 auth
  auth="Basic $(printf 'check-key:' | base64)"
  curl -fs -o /dev/null -H "Authorization: $auth" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$INGEST_PORT/v1/batch" --data-binary @- <<JSON || fail "ingest refused a batch"
{"batch":[
 {"type":"track","userId":"u$n","event":"Checked","messageId":"t-$n"},
 {"type":"identify","userId":"user-$n","messageId":"i-$n","traits":{"plan":"check","email":"u$n@example.com"}},
 {"type":"page","userId":"u$n","name":"Home","messageId":"p-$n"},
 {"type":"screen","userId":"u$n","name":"Main","messageId":"s-$n"},
 {"type":"group","userId":"u$n","groupId":"g1","messageId":"g-$n"},
 {"type":"alias","userId":"u$n","previousId":"old-$n","messageId":"a-$n"},
 {"type":"track","userId":"reject-me","event":"Refused","messageId":"r-$n"}]}
JSON
  curl -s -o /dev/null -H "Authorization: $auth" "http://127.0.0.1:$INGEST_PORT/v1/track" --data-binary '{"no":"event"}'
}
for n in $(seq 1 40); do send_events "$n"; sleep 0.25; done
say "sent 40 batches; destinations: $(curl -fs "$STATS_URL")"

# targets, then every dashboard expression (Grafana's interval variables replaced by fixed ranges)
query() { curl -fs "$PROM/api/v1/query" --data-urlencode "query=$1"; }
problems=()
for _ in $(seq 1 30); do
  down=$(curl -fs "$PROM/api/v1/targets" | jq -r '.data.activeTargets[] | select(.health != "up") | .scrapeUrl + " " + .lastError')
  count=$(curl -fs "$PROM/api/v1/targets" | jq '.data.activeTargets | length')
  [ -z "$down" ] && [ "$count" = 8 ] && break
  sleep 1
done
[ "$count" = 8 ] || problems+=("expected 8 targets, prometheus has $count")
[ -z "$down" ] || problems+=("targets not up: $down")
say "targets: $count up"

mapfile -t EXPRS < <(jq -r '.. | objects | select(has("expr")) | .expr' "$DASHBOARD")
[ ${#EXPRS[@]} -gt 0 ] || fail "no PromQL expression found in $DASHBOARD"
for expr in "${EXPRS[@]}"; do
  q=${expr//\$__rate_interval/1m}; q=${q//\$__interval/1m}; q=${q//\$__range/5m}
  series=0
  # Micrometer binds Kafka's per-partition metrics (records_lag) up to 60 s after partitions are assigned
  for _ in $(seq 1 90); do
    series=$(query "$q" | jq '.data.result | length' 2>/dev/null || echo error)
    [ "$series" != error ] && [ "$series" -gt 0 ] && break
    sleep 1
  done
  if [ "$series" = error ] || [ "$series" = 0 ]; then
    problems+=("no data: $expr")
    say "NO DATA  $expr"
  else
    say "ok ($series series)  $expr"
  fi
done

lag_series() { query "count by (service) (kafka_consumer_fetch_manager_records_lag$1)" \
  | jq -r '[.data.result[] | .metric.service + "=" + .value[1]] | join(" ")'; }
say "records_lag series per service: all $(lag_series ''); named topics only $(lag_series '{topic=~".+[.].+"}')"

if [ ${#problems[@]} -gt 0 ]; then
  printf '  %s\n' "${problems[@]}"
  fail "${#problems[@]} problem(s)"
fi
console_series=$(query 'sluice_console_index_size{service="console",kind="delivery_message_ids"}' | jq -r '.data.result[0].value[1] // "none"')
[ "$console_series" != none ] && [ "$console_series" != 0 ] \
  || fail "the console's delivery index holds no messageIds by Prometheus (got $console_series): it did not read the delivery log"
say "console: its delivery index holds $console_series messageIds, by Prometheus"
say "PASSED: 8 targets up, all ${#EXPRS[@]} dashboard expressions return data"
