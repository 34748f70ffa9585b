"""notification's business rules: tickets, deliveries, webhook signatures and targets."""
