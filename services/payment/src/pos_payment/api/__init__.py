"""payment's HTTP API: thin routers over the use cases, and its event handlers."""
