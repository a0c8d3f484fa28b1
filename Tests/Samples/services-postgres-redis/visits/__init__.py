"""Counts page visits in Postgres and Redis."""
