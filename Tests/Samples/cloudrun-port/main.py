"""A Cloud Run-style service: answers GET / with a greeting on the port the platform gives it in $PORT."""

import argparse
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    """Greets whoever asks."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        name = os.environ.get("NAME", "World")
        body = f"Hello {name}!\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    """Serves until the container is stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="the port to listen on ($PORT on Cloud Run)")
    port = parser.parse_args().port
    print(f"listening on :{port}", flush=True)
    ThreadingHTTPServer(("", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
