#!/usr/bin/env bash
# Builds, from Debian's packages, stand-ins for the three registry images deploy/compose.yaml names
# besides Partnergate's own (postgres:17, redis:7, nginx:1.27), for machines that reach no container
# registry (CI, the development machines). scripts/compose-test.sh runs the compose file with them.
#
#   localhost/partnergate-postgres:bookworm   PostgreSQL 15 with the official image's start-up contract:
#                                             POSTGRES_PASSWORD, an empty data directory initialised on
#                                             the first start, /docker-entrypoint-initdb.d/*.sh run once,
#                                             listening on every address with password authentication
#   localhost/partnergate-redis:bookworm      redis-server and redis-cli (the compose file gives the command)
#   localhost/partnergate-nginx:bookworm      nginx-light (auth_request), conf.d/default.conf included
#
# One Debian root file system, imported three times with a different entrypoint. SERVICES_KEY, when set,
# is kept as the label partnergate.services-key so a caller can skip the build when nothing changed.
# Usage: scripts/build-service-images.sh   (as root; needs mmdebstrap and podman)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PREFIX=${PREFIX:-localhost/partnergate}
for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install -y mmdebstrap podman runc" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== $PREFIX-{postgres,redis,nginx}:$SUITE: $SUITE minbase + postgresql, redis-server, nginx-light"
mmdebstrap --variant=minbase --include=postgresql,redis-server,redis-tools,nginx-light,gosu --quiet \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log "$1"/etc/nginx/sites-enabled/*' \
  --customize-hook="upload $root/deploy/podman/postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh" \
  --customize-hook='chmod 0755 "$1/usr/local/bin/docker-entrypoint.sh"' \
  --customize-hook='mkdir -p "$1/docker-entrypoint-initdb.d" "$1/var/lib/postgresql/data" "$1/data" && chroot "$1" chown postgres:postgres /var/lib/postgresql/data' \
  --customize-hook='ln -sf /dev/stdout "$1/var/log/nginx/access.log"; ln -sf /dev/stderr "$1/var/log/nginx/error.log"' \
  "$SUITE" "$work/rootfs.tar" "$MIRROR"

label=()
[ -n "${SERVICES_KEY:-}" ] && label=(--change "LABEL partnergate.services-key=$SERVICES_KEY")
tar -tf "$work/rootfs.tar" > "$work/files"
pgbin=$(grep -m1 -oE 'usr/lib/postgresql/[0-9]+/bin/' "$work/files")
podman import --quiet "${label[@]}" --change "ENV PATH=/$pgbin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  --change 'CMD ["postgres"]' --change 'EXPOSE 5432' "$work/rootfs.tar" "$PREFIX-postgres:$SUITE" >/dev/null
# As the official image does: a redis-server started without a configuration file serves other
# containers (protected mode off; the network is the compose project's own).
podman import --quiet "${label[@]}" --change 'WORKDIR /data' --change 'CMD ["redis-server"]' --change 'EXPOSE 6379' \
  --change 'ENTRYPOINT ["/bin/sh", "-c", "if [ \"$1\" = redis-server ]; then shift; exec redis-server --protected-mode no \"$@\"; fi; exec \"$@\"", "--"]' \
  "$work/rootfs.tar" "$PREFIX-redis:$SUITE" >/dev/null
podman import --quiet "${label[@]}" --change 'CMD ["nginx", "-g", "daemon off;"]' --change 'EXPOSE 80' \
  "$work/rootfs.tar" "$PREFIX-nginx:$SUITE" >/dev/null
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "$PREFIX-(postgres|redis|nginx)"
