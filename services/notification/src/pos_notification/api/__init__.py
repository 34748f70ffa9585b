"""notification's HTTP API: thin routers and their pydantic schemas."""
