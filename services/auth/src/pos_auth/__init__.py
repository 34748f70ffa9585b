"""auth: identities, credentials, roles, tokens and signing keys; mints the tenant id."""
