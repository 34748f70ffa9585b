"""auth's use cases: load through repositories, apply domain rules, record events. Never commit."""
