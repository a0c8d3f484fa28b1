"""The HTTP front: JSON answers from the standard library's server."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from signed_links.links import open_link, sign


class Handler(BaseHTTPRequestHandler):
    """Answers /sign, /open/TOKEN and / as JSON."""

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        status, body = 200, {"service": "signed-links"}
        if url.path == "/sign":
            path = parse_qs(url.query).get("path", [""])[0]
            try:
                body = {"token": sign(path)}
            except ValueError as error:
                status, body = 400, {"error": str(error)}
        elif url.path.startswith("/open/"):
            opened = open_link(url.path.removeprefix("/open/"))
            if opened:
                body = {"path": opened}
            else:
                status, body = 403, {"error": "forged or expired"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)


def serve() -> None:
    """Serves on PORT (8000) until stopped."""
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
