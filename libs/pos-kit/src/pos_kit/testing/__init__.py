"""Test helpers: real PostgreSQL databases, a real nats-server, an app client."""
