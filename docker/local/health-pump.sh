#!/usr/bin/env bash
# podman 4.3 runs HEALTHCHECKs from systemd timers; with no systemd nothing runs them, a container stays
# "starting" and compose's `condition: service_healthy` waits for ever. This loop runs them instead.
while sleep "${HEALTH_PUMP_INTERVAL:-5}"; do
  for id in $(podman ps -q --filter health=starting) $(podman ps -q --filter health=unhealthy); do
    podman healthcheck run "$id" >/dev/null 2>&1 || true
  done
done
