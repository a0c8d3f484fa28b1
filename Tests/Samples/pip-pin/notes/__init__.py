"""Short notes, served over HTTP."""
