#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume
# (/docker-entrypoint-initdb.d). A database per service, each owned by a role of the
# same name, so no service can read another's tables (DESIGN.md: a database per service).
# The password of the four roles comes from SERVICE_DB_PASSWORD (compose sets it).
set -euo pipefail

for service in dealreg incentives pipeline notifications; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
       -v service="$service" -v password="$SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE :"service" LOGIN PASSWORD :'password';
CREATE DATABASE :"service" OWNER :"service";
REVOKE ALL ON DATABASE :"service" FROM PUBLIC;
SQL
  echo "init-databases: created database and role '$service'"
done
