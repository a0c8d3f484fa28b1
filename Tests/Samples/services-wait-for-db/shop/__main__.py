import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shop.catalogue import Item, price

TEA = Item("tea-1", "Green tea", 450)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"{TEA.name}: {price(TEA, 1)}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
