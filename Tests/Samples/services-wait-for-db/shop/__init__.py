"""A catalogue service."""
