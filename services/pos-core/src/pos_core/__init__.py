"""pos-core: Orders, their items and status, and receipts."""
