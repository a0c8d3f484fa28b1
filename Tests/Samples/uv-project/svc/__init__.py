"""Shipping quotes over HTTP."""
