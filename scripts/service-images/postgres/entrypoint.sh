#!/bin/sh
# As the official image's entrypoint, in short: a first start gives the cluster (made when the image was
# built) the superuser POSTGRES_USER with POSTGRES_PASSWORD and the database POSTGRES_DB, in single-user
# mode (no listener yet, so no early "ready"); then the server runs as `postgres` on every address.
set -eu
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ "$1" = postgres ] && [ ! -e "$PGDATA/.configured" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    echo "postgres-entrypoint: POSTGRES_PASSWORD is not set; set it, or POSTGRES_HOST_AUTH_METHOD=trust" >&2
    exit 1
  fi
  if [ "${POSTGRES_HOST_AUTH_METHOD:-}" = trust ]; then
    sed -i 's/scram-sha-256$/trust/' "$PGDATA/pg_hba.conf"
  fi
  literal() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
  identifier() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
  {
    if [ "$user" = postgres ]; then
      echo "ALTER USER postgres PASSWORD $(literal "${POSTGRES_PASSWORD:-}");"
    else
      echo "CREATE USER $(identifier "$user") SUPERUSER PASSWORD $(literal "${POSTGRES_PASSWORD:-}");"
    fi
    [ "$database" = postgres ] || echo "CREATE DATABASE $(identifier "$database") OWNER $(identifier "$user");"
  } | as_postgres postgres --single -D "$PGDATA" postgres >/dev/null
  touch "$PGDATA/.configured"
  echo "postgres-entrypoint: user $user, database $database"
fi
[ "$1" = postgres ] && exec setpriv --reuid=postgres --regid=postgres --init-groups "$@" -c listen_addresses='*'
exec "$@"
