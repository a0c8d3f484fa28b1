import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from visits.store import Store


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            self.reply(200, b"ok")
            return
        with Store.connect(os.environ["DATABASE_URL"], os.environ["REDIS_URL"]) as store:
            count = store.visit(self.path)
        self.reply(200, f"{self.path}: {count} visits\n".encode())

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
