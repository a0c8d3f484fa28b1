"""Says hello over HTTP."""
