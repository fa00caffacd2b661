#!/usr/bin/env bash
# Install PostgreSQL from Debian's packages, start it on loopback, create clearcount's test
# database and user, and print the line that exports its URL:
#
#     eval "$(bash .ci/postgres.sh)"      # sets CLEARCOUNT_TEST_POSTGRES_URL
#
# Idempotent: a second run finds the packages, the running cluster, the role and the database
# and changes nothing. Runs as root (CI and the dev machines); needs no systemd. Progress goes to
# stderr so that stdout is only the export line.
# Settings (environment): CLEARCOUNT_PG_PORT (5432), CLEARCOUNT_PG_DB (clearcount_test),
# CLEARCOUNT_PG_USER (clearcount), CLEARCOUNT_PG_PASSWORD (clearcount-test; loopback only).
set -euo pipefail

port="${CLEARCOUNT_PG_PORT:-5432}"
db="${CLEARCOUNT_PG_DB:-clearcount_test}"
user="${CLEARCOUNT_PG_USER:-clearcount}"
password="${CLEARCOUNT_PG_PASSWORD:-clearcount-test}"
log() { echo "postgres.sh: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (apt-get and pg_ctlcluster)"
    exit 1
fi

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    log "creating cluster $version/main on port $port"
    pg_createcluster --port "$port" "$version" main >&2
fi
conf="/etc/postgresql/$version/main/postgresql.conf"
# Loopback only, on the chosen port; durable commits (fsync and synchronous_commit stay on).
sed -i -E "s/^#?listen_addresses *=.*/listen_addresses = '127.0.0.1'/" "$conf"
sed -i -E "s/^#?port *=.*/port = $port/" "$conf"

status="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}')"
if [ "$status" != "online" ]; then
    log "starting cluster $version/main"
    pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
    if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 1
done
runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port" || { log "server did not start"; exit 1; }

psql_pg() { runuser -u postgres -- psql -p "$port" -X -q -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
    log "creating role $user"
    psql_pg -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'" >&2
fi
if [ "$(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    log "creating database $db"
    psql_pg -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >&2
fi

echo "export CLEARCOUNT_TEST_POSTGRES_URL=postgresql+psycopg://$user:$password@127.0.0.1:$port/$db"
