"""Visits: a row each in Postgres (the record), a counter per page in Redis (the fast count)."""

from __future__ import annotations

import psycopg
import redis

SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (
    id bigserial PRIMARY KEY,
    page text NOT NULL,
    visited_at timestamptz NOT NULL DEFAULT now()
)
"""


class Store:
    """Writes each visit to both, and reads the counts back."""

    def __init__(self, database: psycopg.Connection, cache: redis.Redis) -> None:
        self.database = database
        self.cache = cache

    @classmethod
    def connect(cls, database_url: str, redis_url: str) -> Store:
        database = psycopg.connect(database_url, connect_timeout=5)
        database.execute(SCHEMA)
        database.commit()
        return cls(database, redis.Redis.from_url(redis_url, socket_connect_timeout=5))

    def visit(self, page: str) -> int:
        """Records a visit of `page`; returns its count so far."""
        self.database.execute("INSERT INTO visits (page) VALUES (%s)", (page,))
        self.database.commit()
        return int(self.cache.incr(f"visits:{page}"))

    def recorded(self, page: str) -> int:
        """The visits of `page` that Postgres holds."""
        query = "SELECT count(*) FROM visits WHERE page = %s"
        row = self.database.execute(query, (page,)).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.database.close()
        self.cache.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
