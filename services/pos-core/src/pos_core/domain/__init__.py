"""pos-core's business rules: orders and their status, money and tax, modifiers, receipts."""
