"""Storage: the engine, the tables, repositories (which never commit) and migrations."""
