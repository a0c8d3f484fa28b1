"""The object a WSGI server serves: `gunicorn thenumbers.wsgi:app`."""

from thenumbers.app import create_app

app = create_app()
