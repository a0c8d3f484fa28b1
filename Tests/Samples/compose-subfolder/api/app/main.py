"""GET /health, GET /items/ID: a small JSON API on the standard library."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = {1: {"id": 1, "name": "kettle"}, 2: {"id": 2, "name": "teapot"}}


def read_item(item_id: int) -> dict[str, object] | None:
    return ITEMS.get(item_id)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = 404, {"detail": "Not Found"}
        if self.path == "/health":
            status, body = 200, {"status": "ok"}
        elif self.path.startswith("/items/") and self.path.removeprefix("/items/").isdigit():
            item = read_item(int(self.path.removeprefix("/items/")))
            if item is not None:
                status, body = 200, item
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
