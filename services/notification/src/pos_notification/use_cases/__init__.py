"""notification's use cases: load via repositories, apply rules, record events; never commit."""
