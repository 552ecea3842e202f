#!/usr/bin/env bash
# Builds localhost/sluice-base:local, a JRE image FROM scratch made from this machine's JDK (jlink) and
# the shared libraries it links against. For machines that reach no container registry (CI here);
# elsewhere the Dockerfiles' default base (eclipse-temurin:17-jre) is used.
set -euo pipefail
engine=${CONTAINER_ENGINE:-podman}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs/tmp" "$rootfs/opt"
chmod 1777 "$rootfs/tmp"
jlink=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}/bin/jlink
"$jlink" --add-modules ALL-MODULE-PATH --strip-debug --no-man-pages --no-header-files \
  --output "$rootfs/opt/java" >/dev/null 2>&1 || "$jlink" --add-modules java.se,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --output "$rootfs/opt/java"
# every shared library the JRE needs, at the path the dynamic loader expects
find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 -n1 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' |
  sort -u | while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
# and what the JNI libraries unpacked at run time need (RocksDB for Kafka Streams state, zstd, snappy)
for extra in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
    /lib/x86_64-linux-gnu/libpthread.so.0 /lib/x86_64-linux-gnu/libdl.so.2 /lib/x86_64-linux-gnu/librt.so.1 \
    /lib/x86_64-linux-gnu/libm.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libgcc_s.so.1; do
  [ -e "$extra" ] && mkdir -p "$rootfs$(dirname "$extra")" && cp -L "$extra" "$rootfs$extra"
done
mkdir -p "$rootfs/etc" "$rootfs/bin"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
ln -s /opt/java/bin/java "$rootfs/bin/java"
cat > "$work/Containerfile" <<'CF'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/bin
CF
"$engine" build --format docker -q -t localhost/sluice-base:local -f "$work/Containerfile" "$work" >/dev/null
echo "built localhost/sluice-base:local"
