"""Visits: a row each in Postgres (the record), a counter per page in Redis (the fast count).

The store takes the connections it is given (a DB-API connection with the `%s` paramstyle, such as
psycopg's, and a Redis client), so that it runs on the standard library alone.
"""

from __future__ import annotations

from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS visits (
    id bigserial PRIMARY KEY,
    page text NOT NULL,
    visited_at timestamptz NOT NULL DEFAULT now()
)
"""


class Database(Protocol):
    def cursor(self) -> Any: ...

    def commit(self) -> None: ...


class Counter(Protocol):
    def incr(self, name: str) -> int: ...


class Store:
    """Writes each visit to both, and reads the counts back."""

    def __init__(self, database: Database, cache: Counter) -> None:
        self.database = database
        self.cache = cache
        with database.cursor() as cursor:
            cursor.execute(SCHEMA)
        database.commit()

    def visit(self, page: str) -> int:
        """Records a visit of `page`; returns its count so far."""
        with self.database.cursor() as cursor:
            cursor.execute("INSERT INTO visits (page) VALUES (%s)", (page,))
        self.database.commit()
        return int(self.cache.incr(f"visits:{page}"))

    def recorded(self, page: str) -> int:
        """The visits of `page` that Postgres holds."""
        with self.database.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM visits WHERE page = %s", (page,))
            row = cursor.fetchone()
        return int(row[0]) if row else 0
