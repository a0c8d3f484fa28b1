import io
import json

import pytest

from main import app


class Client:
    """Calls the WSGI app in-process, as a test client does."""

    def get(self, path):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()}
        answer = {}

        def start_response(status, headers):
            answer["status"] = int(status.split()[0])

        body = b"".join(app(environ, start_response))
        return answer["status"], json.loads(body)


@pytest.fixture
def client():
    return Client()
