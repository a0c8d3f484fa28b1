"""GET /health answers ok; GET /notes answers the notes, one a line."""

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOTES = ["buy stamps", "call the bank"]


def render(notes: list[str]) -> str:
    """One note a line, numbered from 1."""
    return "".join(f"{number}. {note}\n" for number, note in enumerate(notes, start=1))


class Handler(BaseHTTPRequestHandler):
    """Answers /health and /notes."""

    def do_GET(self) -> None:  # noqa: N802
        body = "ok" if self.path == "/health" else render(NOTES)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())


def main() -> None:
    """Serves until stopped."""
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
