from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.testing import FlaskClient

from thenumbers.app import create_app


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_even_counts_up_from_zero(client: FlaskClient) -> None:
    bodies = [client.get("/even").get_data(as_text=True) for _ in range(3)]
    assert bodies == ["0", "2", "4"]


def test_even_is_plain_text(client: FlaskClient) -> None:
    response = client.get("/even")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"


def test_even_never_repeats_under_concurrent_requests(app: Flask) -> None:
    def fetch(_: int) -> int:
        return int(app.test_client().get("/even").get_data(as_text=True))

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(fetch, range(400)))
    assert sorted(numbers) == list(range(0, 800, 2))


def test_random_is_a_positive_integer(client: FlaskClient) -> None:
    response = client.get("/random")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert int(response.get_data(as_text=True)) > 0


def test_unknown_path_is_404(client: FlaskClient) -> None:
    assert client.get("/odd").status_code == 404


@pytest.mark.parametrize("path", ["/even", "/random"])
def test_other_methods_are_405(client: FlaskClient, path: str) -> None:
    assert client.post(path).status_code == 405
