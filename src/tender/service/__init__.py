"""Use cases. Each opens exactly one transaction (``Database.transaction``) and commits it."""
