"""pos-core: orders, their items and status, and receipts."""
