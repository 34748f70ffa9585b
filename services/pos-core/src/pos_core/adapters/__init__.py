"""pos-core's adapters: its tables and repositories, its clients of inventory and restaurant."""
