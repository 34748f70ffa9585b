"""Fake gateway: passes /api/v1/auth/* on to the auth URL the launcher gave it."""
