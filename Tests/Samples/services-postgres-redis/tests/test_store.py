import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import redis

from visits.store import Store


@pytest.fixture
def connections() -> Iterator[tuple[psycopg.Connection, redis.Redis]]:
    database = psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5)
    cache = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5)
    yield database, cache
    database.close()
    cache.close()


def test_each_visit_is_a_row_in_postgres_and_a_count_in_redis(connections) -> None:
    store = Store(*connections)
    page = f"/pages/{uuid.uuid4()}"
    assert store.visit(page) == 1
    assert store.visit(page) == 2
    assert store.recorded(page) == 2
    # Read back on connections of their own: the writes were committed, not just cached.
    with psycopg.connect(os.environ["DATABASE_URL"]) as database:
        row = database.execute("SELECT count(*) FROM visits WHERE page = %s", (page,)).fetchone()
        assert row == (2,)
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).get(f"visits:{page}") == b"2"


def test_pages_are_counted_apart(connections) -> None:
    store = Store(*connections)
    first, second = f"/a/{uuid.uuid4()}", f"/b/{uuid.uuid4()}"
    store.visit(first)
    assert store.visit(second) == 1
    assert store.recorded(first) == 1
