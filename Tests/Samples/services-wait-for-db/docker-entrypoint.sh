#!/bin/sh
# Waits until the database in DATABASE_URL accepts connections (at most DATABASE_WAIT_SECONDS, 30 by
# default), then runs the command: the service never serves without its database.
set -e
python - <<'PYTHON'
import os
import socket
import sys
import time
from urllib.parse import urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
host, port = url.hostname, url.port or 5432
deadline = time.monotonic() + float(os.environ.get("DATABASE_WAIT_SECONDS", "30"))
while True:
    try:
        socket.create_connection((host, port), timeout=2).close()
        break
    except OSError as error:
        if time.monotonic() > deadline:
            sys.exit(f"docker-entrypoint: the database at {host}:{port} is unreachable: {error}")
        print(f"docker-entrypoint: waiting for the database at {host}:{port} ({error})", flush=True)
        time.sleep(1)
print(f"docker-entrypoint: the database at {host}:{port} accepts connections", flush=True)
PYTHON
exec "$@"
