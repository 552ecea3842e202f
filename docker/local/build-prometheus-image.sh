#!/usr/bin/env bash
# Local stand-in for prom/prometheus with no registry: Debian's prometheus binary (links only libc) on the
# local jlink base (which carries libc). usage: build-prometheus-image.sh TAG...
set -euo pipefail
engine=${ENGINE:-podman}
base=${BASE_IMAGE:-localhost/sluice-base:local}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get download prometheus >/dev/null 2>&1 ) || { echo "cannot download prometheus" >&2; exit 1; }
dpkg-deb -x "$work"/prometheus_*.deb "$work/deb"
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc/prometheus" "$work/data/prometheus"
cp "$work/deb/usr/bin/prometheus" "$work/deb/usr/bin/promtool" "$work/rootfs/bin/"
cp "$work/deb/etc/prometheus/prometheus.yml" "$work/rootfs/etc/prometheus/prometheus.yml"
version=$("$work/rootfs/bin/prometheus" --version 2>&1 | awk 'NR==1 {print $3}')
cat > "$work/Containerfile" <<CF
FROM $base
COPY rootfs/ /
COPY --chown=65534:65534 data/ /
LABEL org.opencontainers.image.title="prometheus (local stand-in, Debian build)" org.opencontainers.image.version="$version"
USER 65534:65534
EXPOSE 9090
VOLUME ["/prometheus"]
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
CF
first=$1; shift
"$engine" build --format docker -q -t "$first" -f "$work/Containerfile" "$work" >/dev/null
for tag in "$@"; do "$engine" tag "$first" "$tag"; done
echo "built $first $* (Debian prometheus $version)"
