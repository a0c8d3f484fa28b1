import os
import uuid

import psycopg
import redis

from visits.store import Store


def connect() -> Store:
    return Store.connect(os.environ["DATABASE_URL"], os.environ["REDIS_URL"])


def test_each_visit_is_a_row_in_postgres_and_a_count_in_redis() -> None:
    page = f"/pages/{uuid.uuid4()}"
    with connect() as store:
        assert store.visit(page) == 1
        assert store.visit(page) == 2
        assert store.recorded(page) == 2
    # Read back on connections of their own: the writes were committed, not just cached.
    with psycopg.connect(os.environ["DATABASE_URL"]) as database:
        row = database.execute("SELECT count(*) FROM visits WHERE page = %s", (page,)).fetchone()
        assert row == (2,)
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).get(f"visits:{page}") == b"2"


def test_pages_are_counted_apart() -> None:
    first, second = f"/a/{uuid.uuid4()}", f"/b/{uuid.uuid4()}"
    with connect() as store:
        store.visit(first)
        assert store.visit(second) == 1
        assert store.recorded(first) == 1
