"""A tiny HTTP service: GET /health answers ok."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def greeting(name: str) -> str:
    """Greets someone."""
    return f"hello, {name}"


class Handler(BaseHTTPRequestHandler):
    """Answers /health."""

    def do_GET(self) -> None:  # noqa: N802
        status = 200 if self.path == "/health" else 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"no")


def main() -> None:
    """Serves until stopped."""
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
