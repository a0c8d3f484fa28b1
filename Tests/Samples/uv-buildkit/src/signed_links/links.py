"""Signing and opening links with itsdangerous."""

import os

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE_SECONDS = 3600


def serializer() -> URLSafeTimedSerializer:
    """The serializer keyed by LINK_SECRET (a development key when unset)."""
    return URLSafeTimedSerializer(os.environ.get("LINK_SECRET", "development-only"), salt="links")


def sign(path: str) -> str:
    """A token that opens `path` for an hour."""
    if not path.startswith("/"):
        raise ValueError("a link signs an absolute path")
    return serializer().dumps(path)


def open_link(token: str, max_age: int = MAX_AGE_SECONDS) -> str | None:
    """The path `token` signed, or None when it is forged or expired."""
    try:
        return serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
