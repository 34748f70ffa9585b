"""pos-core's adapters: tables and repositories, the inventory client, restaurant profiles."""
