#!/usr/bin/env bash
# Makes the local images the container tests need, each only when what goes into it changed (its key,
# kept as a label): Partnergate's base image (scripts/build-base-image.sh: Debian + Node + npm + the CA
# bundle) and, with --services, the PostgreSQL, Redis and NGINX stand-ins (scripts/build-service-images.sh).
# With --app, then Partnergate's image itself from this checkout (`podman build`, its layer cache makes
# a rebuild after a source change short). .ci/run starts this in the background while the tests run.
#
#   scripts/container-images.sh [--services] [--app]     (as root; needs mmdebstrap and podman)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
BASE_IMAGE=${BASE_IMAGE:-localhost/partnergate-base:24}
IMAGE=${IMAGE:-localhost/partnergate:test}
services=""
app=""
for a in "$@"; do
  case "$a" in
    --services) services=1 ;;
    --app) app=1 ;;
    *) echo "usage: $0 [--services] [--app]" >&2; exit 2 ;;
  esac
done

label_of() { podman image inspect --format "{{index .Labels \"$2\"}}" "$1" 2>/dev/null || true; }

node_bin=$root/node_modules/node/bin/node
base_key=$(cat scripts/build-base-image.sh "$node_bin" /etc/ssl/certs/ca-certificates.crt <(npm --version) | sha256sum | cut -c1-16)
if [ "$(label_of "$BASE_IMAGE" partnergate.base-key)" = "$base_key" ]; then
  echo "base image $BASE_IMAGE is current (key $base_key)"
else
  BASE_TAG=$BASE_IMAGE BASE_KEY=$base_key scripts/build-base-image.sh
fi

if [ -n "$services" ]; then
  services_key=$(cat scripts/build-service-images.sh deploy/podman/postgres-entrypoint.sh | sha256sum | cut -c1-16)
  current=1
  for s in postgres redis nginx; do
    [ "$(label_of "localhost/partnergate-$s:bookworm" partnergate.services-key)" = "$services_key" ] || current=""
  done
  if [ -n "$current" ]; then
    echo "service images are current (key $services_key)"
  else
    SERVICES_KEY=$services_key scripts/build-service-images.sh
  fi
fi

if [ -n "$app" ]; then
  echo "== $IMAGE (podman build)"
  previous=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  podman build --isolation chroot --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" . 2>&1 | grep -v '^time=.*level=warning'
  # The image this build replaced (untagged now) goes; the build's cached layers stay for the next one.
  current=$(podman image inspect --format '{{.Id}}' "$IMAGE")
  [ -z "$previous" ] || [ "$previous" = "$current" ] || podman rmi "$previous" >/dev/null 2>&1 || true
fi
