"""A restaurant (tenant) in a test: its id, and tokens of its staff, guests and services."""

from __future__ import annotations

import uuid

from pos_kit.testing.tokens import TestTokens, bearer


class TestTenant:
    """One restaurant. `headers("waiter")` authorises a request as one of its waiters.

    Services subclass it with their own test-data helpers (a menu, a floor plan) made
    through their API.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, tokens: TestTokens, tenant_id: str | None = None) -> None:
        self.tokens = tokens
        self.tenant_id = tenant_id or str(uuid.uuid4())
        # The owner keeps one identity, so what they do can be traced back to them.
        self.owner_user_id = str(uuid.uuid4())

    def token(self, role: str = "owner", *, user_id: str | None = None) -> str:
        if role == "owner" and user_id is None:
            user_id = self.owner_user_id
        return self.tokens.staff(tenant_id=self.tenant_id, role=role, user_id=user_id)

    def headers(self, role: str = "owner", *, user_id: str | None = None) -> dict[str, str]:
        return bearer(self.token(role, user_id=user_id))

    def guest_headers(self, table_id: str, *, subject: str | None = None) -> dict[str, str]:
        """A guest at `table_id` who opened a guest link (a new link unless `subject` is given)."""
        return bearer(
            self.tokens.guest(tenant_id=self.tenant_id, table_id=table_id, subject=subject)
        )

    def service_headers(self, client_id: str, *scopes: str) -> dict[str, str]:
        """A service account's token issued for this restaurant (client credentials)."""
        return bearer(self.tokens.service(client_id, list(scopes), tenant_id=self.tenant_id))
