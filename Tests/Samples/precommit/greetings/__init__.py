"""Greets people over HTTP."""
