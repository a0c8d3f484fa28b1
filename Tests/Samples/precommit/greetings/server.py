"""A tiny HTTP service: GET /health answers ok, GET /hello/NAME greets NAME."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def greeting(name: str, punctuation: str = "!", word: str = "hello", shout: bool = False) -> str:
    text = f"{word}, {name}{punctuation}"
    return text.upper() if shout else text


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            status, body = 200, "ok"
        elif self.path.startswith("/hello/"):
            status, body = 200, greeting(self.path.removeprefix("/hello/"))
        else:
            status, body = 404, "not found"
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body.encode())


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
