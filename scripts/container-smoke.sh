#!/usr/bin/env bash
# The container image, tried for real on this machine: `partnergate migrate` as a one-shot container
# (the owner role migrates, the application role is granted), two `serve` containers as the
# application role (NOBYPASSRLS) on this machine's PostgreSQL and Redis, NGINX with
# deploy/nginx/partnergate.conf in front, then a sign-in through NGINX, the portal, a session used
# on both instances, and the forward-auth location refusing an anonymous caller.
#
#   scripts/container-smoke.sh            uses the images already built
#   scripts/container-smoke.sh --build    first scripts/build-base-image.sh --nginx and `podman build`
#
# Bounded (SMOKE_TIMEOUT, default 20 minutes with --build, 5 without), stops every container and
# drops the database and roles it made, and exits non-zero on any failure. Needs root, podman
# (deploy/podman/containers.conf), PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on
# 127.0.0.1:6379. Not part of .ci/run. Measured on the 2-core machine: about 6 minutes with --build from
# nothing (base images 2 min, image 3.5 min, the rest 0.5 min); 25-60 s without, by the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build=""
for a in "$@"; do
  case "$a" in
    --build) build=1 ;;
    *) echo "usage: $0 [--build]" >&2; exit 2 ;;
  esac
done

if [ -z "${PARTNERGATE_SMOKE_TIMED:-}" ]; then
  export PARTNERGATE_SMOKE_TIMED=1
  exec timeout --kill-after=20s "${SMOKE_TIMEOUT:-$([ -n "$build" ] && echo 20m || echo 5m)}" "$0" "$@"
fi

export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
BASE_IMAGE=${BASE_IMAGE:-localhost/partnergate-base:24}
IMAGE=${IMAGE:-localhost/partnergate:smoke}
NGINX_IMAGE=${NGINX_IMAGE:-localhost/partnergate-nginx:bookworm}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
# Ports on this machine's loopback: NGINX, the two instances, NGINX's stand-in service.
HTTP_PORT=${HTTP_PORT:-18180}
PORT_1=$((HTTP_PORT + 1))
PORT_2=$((HTTP_PORT + 2))
SERVICE_PORT=$((HTTP_PORT + 10))

started=$(date +%s)
t() { echo "$(( $(date +%s) - started ))"; }
step() { printf '\n== %s (%ss)\n' "$1" "$(t)"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }

run_id=$(date +%s)$$
name=pgsmoke-$run_id
db=smoke_partnergate_$run_id
owner=smoke_partnergate_owner_$run_id
app=smoke_partnergate_app_$run_id
work=$(mktemp -d)
containers=()
db_made=""

cleanup() {
  local rc=$?
  set +e
  if [ ${#containers[@]} -gt 0 ]; then
    if [ $rc -ne 0 ]; then
      for c in "${containers[@]}"; do echo "--- logs of $c"; podman logs --tail 40 "$c" 2>&1; done
    fi
    podman rm -f -t 5 "${containers[@]}" >/dev/null 2>&1
  fi
  if [ -n "$db_made" ]; then
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS $app" -c "DROP ROLE IF EXISTS $owner" >/dev/null
  fi
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "smoke$run_id:*" | xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM INT

step "prerequisites"
command -v podman >/dev/null || fail "podman is needed: apt-get install -y podman runc uidmap fuse-overlayfs slirp4netns"
pg_isready -q -h "$PGHOST" -p "$PGPORT" || fail "no PostgreSQL on $PGHOST:$PGPORT"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null || fail "no Redis on $REDIS_HOST:$REDIS_PORT"

if [ -n "$build" ]; then
  step "base images (scripts/build-base-image.sh --nginx)"
  BASE_TAG=$BASE_IMAGE NGINX_TAG=$NGINX_IMAGE scripts/build-base-image.sh --nginx
  step "image (podman build)"
  podman build --isolation chroot --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" .
fi
podman image exists "$IMAGE" || fail "no image $IMAGE: run with --build"
podman image exists "$NGINX_IMAGE" || fail "no image $NGINX_IMAGE: run with --build"
image_size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "image $IMAGE: $((image_size / 1000000)) MB"
ready_from=$(date +%s)

step "database and roles (deploy/postgres/10-partnergate-roles.sh)"
owner_pw=$(openssl rand -hex 16)
app_pw=$(openssl rand -hex 16)
db_made=1
PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres PARTNERGATE_DB=$db PARTNERGATE_OWNER_ROLE=$owner PARTNERGATE_APP_ROLE=$app \
  PARTNERGATE_OWNER_PASSWORD=$owner_pw PARTNERGATE_APP_PASSWORD=$app_pw deploy/postgres/10-partnergate-roles.sh

# The instances' settings, every one from the environment (docs/deploy.md). Host networking: the
# containers reach this machine's PostgreSQL and Redis on the loopback.
env_file=$work/partnergate.env
cat > "$env_file" <<EOF
DATABASE_URL=postgres://$app:$app_pw@$PGHOST:$PGPORT/$db
DATABASE_OWNER_URL=postgres://$owner:$owner_pw@$PGHOST:$PGPORT/$db
REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT
REDIS_KEY_PREFIX=smoke$run_id:
SECRET_KEY=$(openssl rand -base64 48)
PUBLIC_URL=http://127.0.0.1:$HTTP_PORT
HOST=127.0.0.1
TRUST_PROXY=true
LOG_FORMAT=json
GATEWAY_ROUTES=[{"name":"crm","prefix":"/resources/v1/crm","upstream":"http://127.0.0.1:$SERVICE_PORT/resources/v1/crm","tenant_scoped":true,"rules":[{"method":"GET","path":"/contacts","permission":"support.tickets.read","rate_class":"read"}]}]
EOF
# No timer for the image's HEALTHCHECK (podman would want systemd for it): this script runs it itself.
# (podman 4.3 still logs that it found no systemd, once per container started: harmless.)
run=(podman run --network host --health-interval=disable --env-file "$env_file")
once=(podman run --rm --network host --no-healthcheck --env-file "$env_file")

step "migrate (one-shot container)"
out=$("${once[@]}" "$IMAGE" migrate)
echo "$out"
grep -q '^applied: \|database is up to date' <<<"$out" || fail "migrate printed no result"
email=ops-$run_id@smoke.test
password=$(openssl rand -hex 12)
"${once[@]}" "$IMAGE" admin create --email "$email" --password "$password" >/dev/null || fail "admin create"
db_check=$("${once[@]}" "$IMAGE" db check 2>&1) || fail "db check: row-level security does not hold for the application role: $db_check"

step "two instances and NGINX"
for i in 1 2; do
  port_var=PORT_$i
  "${run[@]}" -d --name "$name-$i" -e PORT="${!port_var}" "$IMAGE" >/dev/null
  containers+=("$name-$i")
done
# deploy/nginx/partnergate.conf, with this machine's loopback addresses for the compose service names.
sed -e "s/server partnergate-1:8080;/server 127.0.0.1:$PORT_1;/" \
    -e "s/server partnergate-2:8080;/server 127.0.0.1:$PORT_2;/" \
    -e "s/server 127.0.0.1:9000;/server 127.0.0.1:$SERVICE_PORT;/" \
    -e "s/^    listen 80;/    listen 127.0.0.1:$HTTP_PORT;/" \
    -e "s/^    listen 9000;/    listen 127.0.0.1:$SERVICE_PORT;/" \
    deploy/nginx/partnergate.conf > "$work/nginx.conf"
grep -q "127.0.0.1:$PORT_2" "$work/nginx.conf" && grep -q "listen 127.0.0.1:$SERVICE_PORT" "$work/nginx.conf" || fail "deploy/nginx/partnergate.conf changed shape: update this script's sed"
podman run -d --name "$name-nginx" --network host --health-interval=disable -v "$work/nginx.conf:/etc/nginx/conf.d/default.conf:ro" "$NGINX_IMAGE" >/dev/null
containers+=("$name-nginx")

ok=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT_1/readyz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$PORT_2/readyz" >/dev/null 2>&1 \
     && curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; then ok=1; break; fi
  for c in "${containers[@]}"; do [ "$(podman inspect -f '{{.State.Running}}' "$c")" = true ] || fail "$c stopped"; done
  sleep 1
done
[ -n "$ok" ] || fail "the instances were not ready within 120 s"
for i in 1 2; do podman healthcheck run "$name-$i" >/dev/null || fail "the image's HEALTHCHECK fails on $name-$i"; done
echo "both instances ready (their HEALTHCHECK passes), NGINX up"

step "sign in through NGINX"
jar=$work/cookies
login=$(curl -sS -c "$jar" -o "$work/login.json" -w '%{http_code}' -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" "http://127.0.0.1:$HTTP_PORT/api/v1/auth/login")
[ "$login" = 200 ] || fail "login through NGINX answered $login: $(cat "$work/login.json")"
grep -q '"csrf_token"' "$work/login.json" || fail "the login answer has no csrf_token"
signed_in=$(( $(date +%s) - ready_from ))
echo "signed in as $email through NGINX, ${signed_in}s after the first container started"
# The session is shared: it works on each instance (NGINX balances; ask both directly too).
for port in "$HTTP_PORT" "$HTTP_PORT" "$PORT_1" "$PORT_2"; do
  me=$(curl -sS -b "$jar" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/me")
  [ "$me" = 200 ] || fail "GET /api/v1/me with the session on :$port answered $me"
done
echo "the session works on both instances"
curl -fsS "http://127.0.0.1:$HTTP_PORT/" | grep -q '<div id="root">' || fail "NGINX does not serve the portal"
echo "the portal is served"
anon=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/resources/v1/crm/contacts")
[ "$anon" = 401 ] || fail "forward auth: an anonymous GET /resources/v1/crm/contacts answered $anon, not 401"
echo "forward auth refuses an anonymous caller (401)"

step "done"
echo "container smoke test passed: image $((image_size / 1000000)) MB, sign-in ${signed_in}s after start, ${SECONDS}s in all"
