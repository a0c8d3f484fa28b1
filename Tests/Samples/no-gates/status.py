"""A status page: answers every GET with the service's name. No tests, no linters configured."""

from http.server import BaseHTTPRequestHandler, HTTPServer


class Status(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"status: up\n")


HTTPServer(("0.0.0.0", 8000), Status).serve_forever()
