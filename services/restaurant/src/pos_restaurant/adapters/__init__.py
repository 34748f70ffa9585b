"""restaurant's adapters: its database tables and repositories, and its client of auth."""
