"""inventory's use cases: load via repositories, apply domain rules, record events. No commits."""
