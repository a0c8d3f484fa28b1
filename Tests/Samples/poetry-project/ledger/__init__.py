"""A ledger of account entries, served over HTTP."""
