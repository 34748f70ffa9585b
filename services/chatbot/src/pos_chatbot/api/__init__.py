"""The chatbot's HTTP API (under /api/v1/chat) and its event handlers."""
