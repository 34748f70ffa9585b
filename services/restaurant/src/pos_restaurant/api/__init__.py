"""restaurant's entry points: HTTP routers and their schemas, and the event handler."""
