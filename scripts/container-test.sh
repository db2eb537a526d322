#!/usr/bin/env bash
# The container image in the compose file's production shape, tried for real (CI runs it):
#
#   - a fresh database pg_container_<random> on this machine's PostgreSQL with the two roles as
#     deploy/postgres/10-partnergate-roles.sh makes them (owner; application role NOBYPASSRLS),
#     this machine's Redis under a key prefix of its own;
#   - `migrate` as a one-shot container of the image, `db check` (row-level security holds for the
#     application role), `seed demo --json` (production does not run `serve --demo`: the demo world
#     is seeded by the image's CLI);
#   - two `serve` containers of the image on two ports, NGINX in front with deploy/nginx/partnergate.conf
#     (the container localhost/partnergate-nginx when it exists, else this machine's nginx);
#   - then, as a client would: a sign-in through NGINX as a demo user, the session on both instances,
#     the portal, forward auth refusing an anonymous caller, an export job started on instance 1 and
#     downloaded through instance 2, and a DPoP proof used once on instance 1 refused when replayed on
#     instance 2 (scripts/container-test-client.ts).
#
# Plain `podman run` with host networking, not podman-compose: the compose file's postgres, redis and
# nginx images come from a registry this machine cannot reach, and Debian's podman-compose 1.0.3 does
# not wait on `depends_on` conditions (service_healthy, service_completed_successfully), which is how the
# compose file orders migrate before the instances. The shape (images, commands, settings, roles,
# NGINX configuration) is the compose file's.
#
#   scripts/container-test.sh            uses the image already built (IMAGE)
#   scripts/container-test.sh --build    first the base image (only when missing or made by another
#                                        version of scripts/build-base-image.sh or of Node) and
#                                        `podman build` (its layer cache makes a rebuild after a source
#                                        change short)
#
# Prints the image size and the time from the first container's start to a working sign-in, and ends
# with one JSON line. Tears everything down on exit (containers, NGINX, the database, roles and Redis
# keys). Needs root, podman (deploy/podman/containers.conf), PostgreSQL on 127.0.0.1:5432 (user
# postgres), Redis on 127.0.0.1:6379. Bounded by CONTAINER_TEST_TIMEOUT (20 minutes with --build, 5 without).
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

if [ -z "${PARTNERGATE_CONTAINER_TEST_TIMED:-}" ]; then
  export PARTNERGATE_CONTAINER_TEST_TIMED=1
  exec timeout --kill-after=20s "${CONTAINER_TEST_TIMEOUT:-$([ -n "$build" ] && echo 20m || echo 5m)}" "$0" "$@"
fi

export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/deploy/podman/containers.conf}
BASE_IMAGE=${BASE_IMAGE:-localhost/partnergate-base:24}
IMAGE=${IMAGE:-localhost/partnergate:test}
NGINX_IMAGE=${NGINX_IMAGE:-localhost/partnergate-nginx:bookworm}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
# Ports on this machine's loopback: NGINX, the two instances, NGINX's stand-in service.
HTTP_PORT=${HTTP_PORT:-18280}
PORT_1=$((HTTP_PORT + 1))
PORT_2=$((HTTP_PORT + 2))
SERVICE_PORT=$((HTTP_PORT + 10))

started=$(date +%s)
current_step=""
step() { current_step=$1; printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }
failure=""
fail() { failure=$*; echo "CONTAINER TEST FAILED: $*" >&2; exit 1; }

run_id=$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')
name=pgct-$run_id
db=pg_container_$run_id
# Role names may not start with pg_ (PostgreSQL reserves them).
owner=partnergate_ct_${run_id}_owner
app=partnergate_ct_${run_id}_app
prefix=pgct$run_id:
work=$(mktemp -d)
containers=()
db_made=""
nginx_pid=""
image_size=0
signin_seconds=null
nginx_mode=none

cleanup() {
  local rc=$?
  set +e
  if [ ${#containers[@]} -gt 0 ]; then
    if [ $rc -ne 0 ]; then
      for c in "${containers[@]}"; do echo "--- logs of $c"; podman logs --tail 40 "$c" 2>&1; done
    fi
    # -v: with the anonymous volumes of the image's VOLUME (each instance's DATA_DIR)
    podman rm -f -v -t 5 "${containers[@]}" >/dev/null 2>&1
  fi
  if [ -n "$nginx_pid" ]; then
    [ $rc -ne 0 ] && { echo "--- NGINX's log"; tail -20 "$work/nginx.log"; }
    kill "$nginx_pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$nginx_pid" 2>/dev/null
  fi
  if [ -n "$db_made" ]; then
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS $app" -c "DROP ROLE IF EXISTS $owner" >/dev/null
  fi
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "$prefix*" | xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null
  rm -rf "$work"
  [ $rc -ne 0 ] && [ -z "$failure" ] && failure="exit status $rc during: $current_step"
  printf '{"container_test":"%s","mode":"podman run (host network)","nginx":"%s","image":"%s","image_bytes":%s,"signin_seconds":%s,"total_seconds":%s,"failure":%s}\n' \
    "$([ $rc -eq 0 ] && echo passed || echo failed)" "$nginx_mode" "$IMAGE" "$image_size" "$signin_seconds" "$(( $(date +%s) - started ))" \
    "$([ -z "$failure" ] && echo null || npx --no-install node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$failure" 2>/dev/null || echo '"see above"')"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

step "prerequisites"
command -v podman >/dev/null || fail "podman is needed: apt-get install -y podman runc uidmap fuse-overlayfs slirp4netns"
pg_isready -q -h "$PGHOST" -p "$PGPORT" || fail "no PostgreSQL on $PGHOST:$PGPORT"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null || fail "no Redis on $REDIS_HOST:$REDIS_PORT"
for port in "$HTTP_PORT" "$PORT_1" "$PORT_2" "$SERVICE_PORT"; do
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then fail "port $port is taken (set HTTP_PORT)"; fi
done

if [ -n "$build" ]; then
  # The base image is made again only when what goes into it changed (its recipe, Node, npm); the
  # image's own layers are cached by podman.
  step "base image $BASE_IMAGE and image $IMAGE (scripts/container-images.sh --app)"
  BASE_IMAGE=$BASE_IMAGE IMAGE=$IMAGE scripts/container-images.sh --app || fail "podman build"
fi
podman image exists "$IMAGE" || fail "no image $IMAGE: run with --build"
image_size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "image $IMAGE: $((image_size / 1000000)) MB"

step "database $db and its two roles (deploy/postgres/10-partnergate-roles.sh)"
owner_pw=$(openssl rand -hex 16)
app_pw=$(openssl rand -hex 16)
db_made=1
PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres PARTNERGATE_DB=$db PARTNERGATE_OWNER_ROLE=$owner PARTNERGATE_APP_ROLE=$app \
  PARTNERGATE_OWNER_PASSWORD=$owner_pw PARTNERGATE_APP_PASSWORD=$app_pw deploy/postgres/10-partnergate-roles.sh

# The compose file's settings for the instances (x-partnergate), with this machine's loopback for the
# service names. Host networking: the containers reach this machine's PostgreSQL and Redis directly.
env_file=$work/partnergate.env
cat > "$env_file" <<EOF
DATABASE_URL=postgres://$app:$app_pw@$PGHOST:$PGPORT/$db
DATABASE_OWNER_URL=postgres://$owner:$owner_pw@$PGHOST:$PGPORT/$db
REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT
REDIS_KEY_PREFIX=$prefix
SECRET_KEY=$(openssl rand -base64 48)
PUBLIC_URL=http://127.0.0.1:$HTTP_PORT
HOST=127.0.0.1
TRUST_PROXY=true
LOG_FORMAT=json
GATEWAY_ROUTES=[{"name":"crm","prefix":"/resources/v1/crm","upstream":"http://127.0.0.1:$SERVICE_PORT/resources/v1/crm","tenant_scoped":true,"rules":[{"method":"GET","path":"/contacts","permission":"support.tickets.read","rate_class":"read"}]}]
EOF
# No timer for the image's HEALTHCHECK (podman would want systemd for it): this script runs it itself.
run=(podman run --network host --health-interval=disable --env-file "$env_file")
once=(podman run --rm --network host --no-healthcheck --env-file "$env_file")

first_start=$(date +%s)
step "migrate (one-shot container, as the owner role)"
out=$("${once[@]}" "$IMAGE" migrate 2>&1) || { echo "$out"; fail "migrate exited non-zero"; }
grep -q '^applied: \|database is up to date' <<<"$out" || { echo "$out"; fail "migrate printed no result"; }
grep '^applied: \|database is up to date' <<<"$out" | cut -c1-200
db_check=$("${once[@]}" "$IMAGE" db check 2>&1) || fail "db check: row-level security does not hold for the application role: $db_check"
echo "db check: row-level security holds for $app"

step "demo world (seed demo --json, one-shot container)"
"${once[@]}" "$IMAGE" seed demo --json > "$work/seed.out" 2> "$work/seed.err" || { cat "$work/seed.err"; fail "seed demo"; }
# The world is the one pretty-printed JSON document; any log line around it is one line of its own.
awk '/^\{$/ {on=1} on {print} /^\}$/ {on=0}' "$work/seed.out" > "$work/world.json"
npx --no-install node -e 'const w = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); if (!w.operator || !w.partners?.length) process.exit(1)' "$work/world.json" \
  || { head -c 2000 "$work/seed.out"; fail "seed demo --json printed no world"; }
signin_email=$(npx --no-install node -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).tenants[0].admin.email' "$work/world.json")
signin_password=$(npx --no-install node -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).tenants[0].admin.password' "$work/world.json")
echo "seeded; signing in as $signin_email"

step "two instances and NGINX"
for i in 1 2; do
  port_var=PORT_$i
  containers+=("$name-$i")
  # (podman 4.3 logs that it found no systemd for the HEALTHCHECK timer, twice per container: harmless.)
  { "${run[@]}" -d --name "$name-$i" -e PORT="${!port_var}" "$IMAGE" 2>&1 >/dev/null | { grep -v 'systemd connection' || true; }; } >&2
done
instances_start=$(date +%s)
# deploy/nginx/partnergate.conf, with this machine's loopback addresses for the compose service names.
sed -e "s/server partnergate-1:8080;/server 127.0.0.1:$PORT_1;/" \
    -e "s/server partnergate-2:8080;/server 127.0.0.1:$PORT_2;/" \
    -e "s/server 127.0.0.1:9000;/server 127.0.0.1:$SERVICE_PORT;/" \
    -e "s/^    listen 80;/    listen 127.0.0.1:$HTTP_PORT;/" \
    -e "s/^    listen 9000;/    listen 127.0.0.1:$SERVICE_PORT;/" \
    deploy/nginx/partnergate.conf > "$work/site.conf"
grep -q "127.0.0.1:$PORT_2" "$work/site.conf" && grep -q "listen 127.0.0.1:$SERVICE_PORT" "$work/site.conf" || fail "deploy/nginx/partnergate.conf changed shape: update this script's sed"
if podman image exists "$NGINX_IMAGE"; then
  nginx_mode=container
  containers+=("$name-nginx")
  podman run -d --name "$name-nginx" --network host --health-interval=disable -v "$work/site.conf:/etc/nginx/conf.d/default.conf:ro" "$NGINX_IMAGE" >/dev/null
else
  # This machine's nginx (nginx-light has auth_request), with everything it writes in the work folder.
  command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || fail "no NGINX: apt-get install -y nginx-light, or scripts/build-base-image.sh --nginx"
  nginx_mode=host
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  include /etc/nginx/mime.types;
  include $work/site.conf;
}
EOF
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$work/nginx" -c "$work/nginx.conf" >> "$work/nginx.log" 2>&1 &
  nginx_pid=$!
fi

ok=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT_1/readyz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$PORT_2/readyz" >/dev/null 2>&1 \
     && curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; then ok=1; break; fi
  for c in "${containers[@]}"; do [ "$(podman inspect -f '{{.State.Running}}' "$c")" = true ] || fail "$c stopped"; done
  [ -z "$nginx_pid" ] || kill -0 "$nginx_pid" 2>/dev/null || fail "NGINX stopped: $(tail -5 "$work/nginx.log")"
  sleep 1
done
[ -n "$ok" ] || fail "the instances were not ready within 120 s"

step "sign in through NGINX"
jar=$work/cookies
login=$(jq -n --arg e "$signin_email" --arg p "$signin_password" '{email:$e,password:$p}' 2>/dev/null \
  || printf '{"email":"%s","password":"%s"}' "$signin_email" "$signin_password")
code=$(curl -sS -c "$jar" -o "$work/login.json" -w '%{http_code}' -H 'content-type: application/json' -d "$login" "http://127.0.0.1:$HTTP_PORT/api/v1/auth/login")
[ "$code" = 200 ] || fail "sign-in through NGINX answered $code: $(cat "$work/login.json")"
grep -q '"csrf_token"' "$work/login.json" || fail "the sign-in answer has no csrf_token"
signin_seconds=$(( $(date +%s) - first_start ))
echo "signed in as $signin_email through NGINX, ${signin_seconds}s after the first container (migrate) started, $(( $(date +%s) - instances_start ))s after the instances started"
for i in 1 2; do podman healthcheck run "$name-$i" >/dev/null || fail "the image's HEALTHCHECK fails on $name-$i"; done
echo "both instances' HEALTHCHECK passes"
for port in "$HTTP_PORT" "$HTTP_PORT" "$PORT_1" "$PORT_2"; do
  me=$(curl -sS -b "$jar" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/me")
  [ "$me" = 200 ] || fail "GET /api/v1/me with the session on :$port answered $me"
done
echo "the session works through NGINX and on both instances"
curl -fsS "http://127.0.0.1:$HTTP_PORT/" | grep -q '<div id="root">' || fail "NGINX does not serve the portal"
echo "the portal is served"
anon=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/resources/v1/crm/contacts")
[ "$anon" = 401 ] || fail "forward auth: an anonymous GET /resources/v1/crm/contacts answered $anon, not 401"
echo "forward auth refuses an anonymous caller (401)"

step "across instances: an export, a DPoP proof's replay (scripts/container-test-client.ts)"
npx --no-install node scripts/container-test-client.ts "$work/world.json" "http://127.0.0.1:$HTTP_PORT" "http://127.0.0.1:$PORT_1" "http://127.0.0.1:$PORT_2" \
  || fail "the client checks across instances"

step "done"
echo "container test passed: image $((image_size / 1000000)) MB, sign-in ${signin_seconds}s after start, $(( $(date +%s) - started ))s in all"
