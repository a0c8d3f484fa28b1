"""Signed links that expire: GET /sign?path=P answers a link, GET /open/TOKEN the path it signed."""

from signed_links.server import serve


def main() -> None:
    serve()
