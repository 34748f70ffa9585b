"""payment's adapters: its tables and repositories, pos-core's API, the card processor."""
