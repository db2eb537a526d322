#!/usr/bin/env bash
# Builds the base images the Dockerfile and the container smoke test need, from Debian's packages,
# on a machine that reaches no container registry, and imports them into podman:
#
#   localhost/partnergate-base:24   Debian bookworm (minbase) + this machine's CA bundle + the Node 24
#                                   binary the project pins (node_modules/node) + npm, laid out as the
#                                   official node:24-slim image is (/usr/local/bin/node, npm, npx)
#   localhost/partnergate-nginx     Debian bookworm (minbase) + nginx-light, for the compose file's
#                                   proxy in scripts/container-smoke.sh  (only with --nginx)
#
# Usage: scripts/build-base-image.sh [--nginx]      (as root; needs mmdebstrap and podman)
# BASE_KEY, when set, is kept as the base image's label partnergate.base-key: scripts/container-test.sh
# --build makes the base image again only when the key of what goes into it changed.
# Then:  podman build --isolation chroot --build-arg BASE_IMAGE=localhost/partnergate-base:24 -t partnergate .
#
# Podman reads deploy/podman/containers.conf (cgroupfs, runc, no default ulimits) through CONTAINERS_CONF
# unless that is already set; /etc/containers is not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
BASE_TAG=${BASE_TAG:-localhost/partnergate-base:24}
NGINX_TAG=${NGINX_TAG:-localhost/partnergate-nginx:bookworm}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

with_nginx=""
for a in "$@"; do
  case "$a" in
    --nginx) with_nginx=1 ;;
    *) echo "usage: $0 [--nginx]" >&2; exit 2 ;;
  esac
done

for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install -y mmdebstrap podman runc uidmap fuse-overlayfs slirp4netns" >&2; exit 1; }
done
node_bin=$root/node_modules/node/bin/node
[ -x "$node_bin" ] || { echo "no $node_bin: run npm install first (Node 24 comes from the node devDependency)" >&2; exit 1; }
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$major" = 24 ] || { echo "$node_bin is Node $major, not 24" >&2; exit 1; }
[ -s "$CA_BUNDLE" ] || { echo "no CA bundle at $CA_BUNDLE" >&2; exit 1; }
# npm for the build stage (node:24-slim ships one): the one this machine's npm runs from.
npm_dir=${NPM_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")}
[ -f "$npm_dir/bin/npm-cli.js" ] || { echo "no npm at $npm_dir (set NPM_DIR to an npm package folder)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Keep the images small: no documentation, manual pages or translations.
slim=(
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log'
)

# The CA bundle goes where Debian's ca-certificates puts it (npm, Node and OpenSSL read it there).
ca_hooks=(
  --customize-hook='mkdir -p "$1/etc/ssl/certs"'
  --customize-hook="upload $CA_BUNDLE /etc/ssl/certs/ca-certificates.crt"
)

echo "== $BASE_TAG: $SUITE minbase + CA bundle + Node $("$node_bin" --version) + npm $(node "$npm_dir/bin/npm-cli.js" --version 2>/dev/null || echo '?')"
tar -C "$(dirname "$npm_dir")" -cf "$work/npm.tar" "$(basename "$npm_dir")"
mmdebstrap --variant=minbase --include=libstdc++6 --quiet "${slim[@]}" "${ca_hooks[@]}" \
  --customize-hook='mkdir -p "$1/usr/local/bin" "$1/usr/local/lib/node_modules"' \
  --customize-hook="upload $node_bin /usr/local/bin/node" \
  --customize-hook='chmod 0755 "$1/usr/local/bin/node"' \
  --customize-hook="tar-in $work/npm.tar /usr/local/lib/node_modules" \
  --customize-hook='ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='chroot "$1" node --version' \
  "$SUITE" "$work/base.tar" "$MIRROR" "deb $SECURITY_MIRROR $SUITE-security main"
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change "LABEL partnergate.base-key=${BASE_KEY:-none}" \
  --change 'CMD ["node"]' \
  "$work/base.tar" "$BASE_TAG" >/dev/null
podman run --rm "$BASE_TAG" node -e 'console.log("node", process.version)'

if [ -n "$with_nginx" ]; then
  echo "== $NGINX_TAG: $SUITE minbase + nginx-light"
  # Logs to the container's output, as the official nginx image does.
  mmdebstrap --variant=minbase --include=nginx-light --quiet "${slim[@]}" "${ca_hooks[@]}" \
    --customize-hook='ln -sf /dev/stdout "$1/var/log/nginx/access.log"' \
    --customize-hook='ln -sf /dev/stderr "$1/var/log/nginx/error.log"' \
    --customize-hook='rm -f "$1/etc/nginx/sites-enabled/default"' \
    "$SUITE" "$work/nginx.tar" "$MIRROR" "deb $SECURITY_MIRROR $SUITE-security main"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["nginx", "-g", "daemon off;"]' \
    "$work/nginx.tar" "$NGINX_TAG" >/dev/null
  podman run --rm "$NGINX_TAG" nginx -v
fi
podman images --filter reference='localhost/partnergate-*'
