"""GET /quote?weight=KG&zone=ZONE answers a price; GET / answers the zones."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from svc.quotes import RATES, quote


class Handler(BaseHTTPRequestHandler):
    """Answers quotes as JSON."""

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        if url.path == "/quote":
            query = parse_qs(url.query)
            body = {"price": quote(float(query["weight"][0]), query["zone"][0])}
        else:
            body = {"zones": sorted(RATES)}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    """Serves until stopped."""
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
