"""GET /balance/ACCOUNT answers a balance in cents; GET / answers ok."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ledger.book import Ledger

LEDGER = Ledger()


class Handler(BaseHTTPRequestHandler):
    """Answers balances as plain text."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/balance/"):
            body = str(LEDGER.balance(self.path.removeprefix("/balance/")))
        else:
            body = "ok"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())


def main() -> None:
    """Serves until stopped."""
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
