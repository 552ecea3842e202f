#!/usr/bin/env bash
# Builds a local stand-in for the apache/kafka image with no registry: FROM the local jlink base
# (localhost/sluice-base:local, docker/build-local-base.sh), Kafka's jars resolved by Maven (Central or ~/.m2),
# bash from this machine and a static busybox from Debian for the shell tools the scripts need.
# usage: build-kafka-image.sh [docker.io/apache/kafka:<version> [more tags]]
# env: KAFKA_VERSION (the jars; default: the root pom's kafka.version, the project's one Kafka version),
#      BASE_IMAGE (default localhost/sluice-base:local), ENGINE (podman), MVN (mvn)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
engine=${ENGINE:-podman}
base=${BASE_IMAGE:-localhost/sluice-base:local}
version=${KAFKA_VERSION:-$(bash "$here/../kafka-version.sh")}
mvn=${MVN:-mvn}
[ $# -gt 0 ] || set -- "docker.io/apache/kafka:$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs writable=$work/writable
mkdir -p "$root/bin" "$root/usr/bin" "$root/opt/kafka/libs" "$root/etc/kafka/docker" "$root/lib/x86_64-linux-gnu" \
         "$writable/opt/kafka/config" "$writable/var/lib/kafka/data" "$writable/etc/kafka/secrets" \
         "$writable/mnt/shared/config" "$writable/home/appuser" "$writable/usr/logs"

# 1. the jars
"$mvn" -B -q -f "$here/pom.xml" -Dkafka.version="$version" -DoutputDirectory="$work/libs" -DincludeScope=runtime \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies
cp "$work"/libs/*.jar "$root/opt/kafka/libs/"

# 2. a shell: bash (and the libraries it links against beyond the base's libc) + busybox applets
cp -L /bin/bash "$root/bin/bash"
ldd /bin/bash | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
done
( cd "$work" && apt-get download busybox-static >/dev/null 2>&1 ) || { echo "cannot download busybox-static" >&2; exit 1; }
dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"
cp "$work/bb/bin/busybox" "$root/bin/busybox"
for applet in $("$work/bb/bin/busybox" --list); do
  case $applet in bash|busybox|java) continue ;; esac
  ln -s busybox "$root/bin/$applet"
done
ln -s /bin/busybox "$root/usr/bin/env"
printf 'root:x:0:0:root:/root:/bin/bash\nappuser:x:1000:1000::/home/appuser:/bin/bash\n' > "$root/etc/passwd"
printf 'root:x:0:\nappuser:x:1000:\n' > "$root/etc/group"

# 3. Kafka's scripts and default configs
mkdir -p "$root/opt/kafka/bin"
cp "$here"/files/bin/* "$root/opt/kafka/bin/"
cp "$here"/files/docker/* "$root/etc/kafka/docker/"
cp "$here"/files/docker/*.properties "$here"/files/docker/*.yaml "$writable/opt/kafka/config/"

cat > "$work/Containerfile" <<CF
FROM $base
COPY rootfs/ /
COPY --chown=1000:1000 writable/ /
ENV PATH=/opt/java/bin:/bin:/usr/bin
LABEL org.opencontainers.image.title="apache/kafka (local stand-in)" org.opencontainers.image.version="$version"
USER 1000:1000
WORKDIR /home/appuser
EXPOSE 9092
VOLUME ["/etc/kafka/secrets", "/var/lib/kafka/data", "/mnt/shared/config"]
CMD ["/etc/kafka/docker/run"]
CF
first=$1; shift
"$engine" build --format docker -q -t "$first" -f "$work/Containerfile" "$work" >/dev/null
for tag in "$@"; do "$engine" tag "$first" "$tag"; done
echo "built $first $* (Apache Kafka $version jars)"
