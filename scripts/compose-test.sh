#!/usr/bin/env bash
# deploy/compose.yaml run as a whole, the way an operator runs it: `compose up` of the file as it is
# (PostgreSQL with the two roles, Redis, the one-shot migrate, two instances, NGINX in front), then the
# first administrator with `compose run --rm migrate admin create`, then a sign-in through NGINX whose
# session is used on both instances. Prints the time from `up` to a working sign-in and ends with one
# JSON line; `compose down -v` on exit.
#
# On this machine, which reaches no registry and has no systemd:
#   - compose is Debian's docker-compose (1.29: it waits on depends_on conditions) talking to podman's
#     Docker-compatible API (`podman system service`), not podman-compose 1.0.3, which ignores them;
#   - postgres, redis and nginx are scripts/build-service-images.sh's stand-ins built from Debian's
#     packages (the compose file takes them through POSTGRES_IMAGE, REDIS_IMAGE, NGINX_IMAGE) and
#     Partnergate is the image scripts/container-test.sh --build made (PARTNERGATE_IMAGE);
#   - podman runs no health checks without systemd: the compose file waits on none (its migrate step
#     waits for PostgreSQL itself), and this script runs none either, so it tests exactly that.
#
#   scripts/compose-test.sh      needs root, podman, docker-compose and the images above
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ -z "${PARTNERGATE_COMPOSE_TEST_TIMED:-}" ]; then
  export PARTNERGATE_COMPOSE_TEST_TIMED=1
  exec timeout --kill-after=20s "${COMPOSE_TEST_TIMEOUT:-10m}" "$0" "$@"
fi
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
PARTNERGATE_IMAGE=${PARTNERGATE_IMAGE:-localhost/partnergate:test}
SUFFIX=${SERVICES_SUFFIX:-bookworm}
HTTP_PORT=${HTTP_PORT:-18380}
project=pgcompose$$
work=$(mktemp -d)
started=$(date +%s.%N)
signin_seconds=null
failure=null
rc=1
for tool in podman docker-compose curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install -y podman docker-compose curl" >&2; exit 1; }
done

fail() { failure=$(printf '%s' "$1" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8")))' 2>/dev/null || echo '"see log"'); echo "FAILED: $1" >&2; exit 1; }

service_pid=""
compose() { docker-compose --project-name "$project" --file deploy/compose.yaml --env-file "$work/env" "$@"; }
finish() {
  rc=$?
  set +e
  if [ $rc -ne 0 ]; then echo "--- compose logs (last lines)"; compose logs --no-color --tail=15 2>&1 | tail -80; fi
  compose down --volumes --timeout 5 >/dev/null 2>&1
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null
  rm -rf "$work"
  printf '{"compose_test":"%s","compose":"docker-compose %s over podman %s","signin_seconds":%s,"total_seconds":%s,"failure":%s}\n' \
    "$([ $rc -eq 0 ] && echo passed || echo failed)" "$(docker-compose version --short 2>/dev/null)" "$(podman version --format '{{.Client.Version}}' 2>/dev/null)" \
    "$signin_seconds" "$(( $(date +%s) - ${started%.*} ))" "$failure"
  exit $rc
}
trap finish EXIT

for img in "$PARTNERGATE_IMAGE" "localhost/partnergate-postgres:$SUFFIX" "localhost/partnergate-redis:$SUFFIX" "localhost/partnergate-nginx:$SUFFIX"; do
  podman image exists "$img" || fail "no image $img (scripts/container-test.sh --build and scripts/build-service-images.sh make them)"
done

# podman's Docker-compatible API, on a socket of our own
podman system service --time=0 "unix://$work/podman.sock" >"$work/service.log" 2>&1 &
service_pid=$!
export DOCKER_HOST="unix://$work/podman.sock"
for _ in $(seq 1 100); do curl -sf --unix-socket "$work/podman.sock" http://d/_ping >/dev/null && break; sleep 0.1; done
curl -sf --unix-socket "$work/podman.sock" http://d/_ping >/dev/null || fail "podman's API socket did not answer"

rand() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
admin_password="$(rand)Aa1!"
cat >"$work/env" <<ENV
PARTNERGATE_IMAGE=$PARTNERGATE_IMAGE
BASE_IMAGE=localhost/partnergate-base:24
POSTGRES_IMAGE=localhost/partnergate-postgres:$SUFFIX
REDIS_IMAGE=localhost/partnergate-redis:$SUFFIX
NGINX_IMAGE=localhost/partnergate-nginx:$SUFFIX
POSTGRES_PASSWORD=$(rand)
PARTNERGATE_OWNER_PASSWORD=$(rand)
PARTNERGATE_APP_PASSWORD=$(rand)
SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
HTTP_PORT=$HTTP_PORT
PUBLIC_URL=http://127.0.0.1:$HTTP_PORT
ENV

echo "== compose up (deploy/compose.yaml, project $project)"
up_started=$(date +%s.%N)
compose up --detach --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up exited non-zero"; }
sed 's/^/   /' "$work/up.log"
compose run --rm migrate admin create --email ops@example.com --password "$admin_password" --name 'First operator' >"$work/admin.log" 2>&1 \
  || { cat "$work/admin.log"; fail "compose run migrate admin create exited non-zero"; }
tail -2 "$work/admin.log" | sed 's/^/   /'

base="http://127.0.0.1:$HTTP_PORT"
echo "== sign-in through NGINX at $base"
cookie=""
for _ in $(seq 1 480); do
  headers=$(curl -s -o "$work/login.json" -D - -H 'content-type: application/json' \
    --data "{\"email\":\"ops@example.com\",\"password\":\"$admin_password\"}" "$base/api/v1/auth/login" || true)
  if grep -q '"csrf_token"' "$work/login.json" 2>/dev/null; then
    cookie=$(printf '%s' "$headers" | grep -i '^set-cookie:' | sed -E 's/^[Ss]et-[Cc]ookie: ([^;]*).*/\1/' | paste -sd ';' -)
    break
  fi
  sleep 0.5
done
[ -n "$cookie" ] || fail "no sign-in through NGINX within 4 minutes: $(cat "$work/login.json" 2>/dev/null | head -c 300)"
signin_seconds=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $up_started}")
echo "   signed in ${signin_seconds}s after compose up"

# The session on both instances: asked of each instance directly, inside the compose network.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "cookie: $cookie" "$base/api/v1/me")
[ "$code" = 200 ] || fail "GET /api/v1/me through NGINX with the session answered $code"
for n in 1 2; do
  code=$(compose exec -T -e "SESSION_COOKIE=$cookie" "partnergate-$n" node -e \
    'fetch("http://127.0.0.1:8080/api/v1/me",{headers:{cookie:process.env.SESSION_COOKIE}}).then(r=>console.log(r.status),()=>console.log(0))' 2>&1 | tail -1)
  [ "$code" = 200 ] || fail "partnergate-$n answered $code to the session made through NGINX"
  echo "   partnergate-$n knows the session"
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/")
[ "$code" = 200 ] || fail "the portal through NGINX answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/resources/v1/crm/contacts")
[ "$code" = 401 ] || fail "forward auth let an anonymous caller through to the example service ($code)"
echo "   the portal answers, forward auth refuses an anonymous caller"
rc=0
