"""A service whose image has no WORKDIR: it lives at the filesystem root."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def total(prices):
    """The sum of the prices, in cents."""
    return sum(round(price * 100) for price in prices)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/health" else 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"not found")


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
