"""A WSGI service in one module, laid out as FastAPI's tutorials lay out an app: main.py at the root."""

import json
from wsgiref.simple_server import make_server

ITEMS = {1: "apple", 2: "pear"}


def app(environ, start_response):
    """Answers /health and /items/<id> with JSON."""
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        status, body = "200 OK", {"status": "ok"}
    elif path.startswith("/items/") and path.removeprefix("/items/").isdigit():
        item = ITEMS.get(int(path.removeprefix("/items/")))
        status, body = ("200 OK", {"name": item}) if item else ("404 Not Found", {"detail": "Item not found"})
    else:
        status, body = "404 Not Found", {"detail": "Not Found"}
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


if __name__ == "__main__":
    make_server("0.0.0.0", 8000, app).serve_forever()
