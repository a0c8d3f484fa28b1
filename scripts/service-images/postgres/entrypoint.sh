#!/bin/sh
# As the official image's entrypoint, in short: a first start initialises the cluster (superuser
# POSTGRES_USER with POSTGRES_PASSWORD, database POSTGRES_DB), then the server runs as `postgres` on
# every address. Until it does, nothing listens on TCP or on the usual socket (no early "ready").
set -eu
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then method=scram-sha-256; else method=trust; fi
  if [ "$method" = trust ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo "postgres-entrypoint: POSTGRES_PASSWORD is not set; set it, or POSTGRES_HOST_AUTH_METHOD=trust" >&2
    exit 1
  fi
  password=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$password"
  chown postgres "$password"
  as_postgres initdb --username="$user" --pwfile="$password" --auth-local=trust --auth-host="$method" >/dev/null
  rm -f "$password"
  echo "host all all all $method" >>"$PGDATA/pg_hba.conf"
  if [ "$database" != postgres ]; then
    mkdir -p /tmp/init && chown postgres /tmp/init
    as_postgres pg_ctl --silent --wait --options "-c listen_addresses='' -c unix_socket_directories=/tmp/init" start
    as_postgres createdb --host=/tmp/init --username="$user" "$database"
    as_postgres pg_ctl --silent --wait stop
  fi
  echo "postgres-entrypoint: initialised $PGDATA (user $user, database $database)"
fi
[ "$1" = postgres ] && exec setpriv --reuid=postgres --regid=postgres --init-groups "$@" -c listen_addresses='*'
exec "$@"
