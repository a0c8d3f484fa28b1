"""Billing rules."""
