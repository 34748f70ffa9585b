"""auth's business rules: roles and who may manage whom, sign-in throttling, token families."""
