"""auth's adapters: tables and repositories, password hashing, signing keys."""
