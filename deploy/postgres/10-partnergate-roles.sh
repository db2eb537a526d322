#!/usr/bin/env bash
# Creates Partnergate's database and its two roles (README "The second wall: row-level security"):
#   the owner  owns the schema and runs the migrations            (DATABASE_OWNER_URL)
#   the app    the service's role: NOSUPERUSER NOBYPASSRLS, owns no table, so row-level
#              security applies to it; `partnergate migrate` grants it what it needs  (DATABASE_URL)
# The postgres image runs it once, on an empty data directory (/docker-entrypoint-initdb.d). It also
# runs against any server as a superuser: PGHOST=… PGUSER=postgres deploy/postgres/10-partnergate-roles.sh
set -euo pipefail
: "${PARTNERGATE_OWNER_PASSWORD:?set PARTNERGATE_OWNER_PASSWORD}"
: "${PARTNERGATE_APP_PASSWORD:?set PARTNERGATE_APP_PASSWORD}"
db=${PARTNERGATE_DB:-partnergate}
owner=${PARTNERGATE_OWNER_ROLE:-partnergate_owner}
app=${PARTNERGATE_APP_ROLE:-partnergate_app}
psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc -q -v db="$db" -v owner="$owner" -v app="$app"
      -v owner_pw="$PARTNERGATE_OWNER_PASSWORD" -v app_pw="$PARTNERGATE_APP_PASSWORD")
[ -n "${POSTGRES_USER:-}" ] && psql+=(--username "$POSTGRES_USER")

"${psql[@]}" --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_pw';
CREATE ROLE :"app" LOGIN PASSWORD :'app_pw' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"db" OWNER :"owner";
SQL
"${psql[@]}" --dbname "$db" <<'SQL'
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
echo "partnergate: database $db, owner role $owner, application role $app (NOBYPASSRLS)"
