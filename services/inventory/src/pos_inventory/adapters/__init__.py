"""inventory's adapters: tables and repositories (all of its SQL)."""
