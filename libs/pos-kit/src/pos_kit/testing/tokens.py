"""Tokens for a service's own tests, signed by a throwaway key the app is told to trust.

Integration tests of a service other than auth need staff of several tenants and
roles, guests at their tables and service accounts without running auth; the
end-to-end tests use the real auth.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from pos_kit.tokens import StaticKeys, TokenVerifier


class TestTokens:
    """Mints EdDSA tokens shaped exactly like auth's, and a verifier that trusts them."""

    __test__ = False  # not a pytest test class

    def __init__(self, *, issuer: str = "pos-auth", audience: str = "pos") -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self._key = Ed25519PrivateKey.generate()
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self.kid, "alg": "EdDSA", "use": "sig"})
        self._jwks = {"keys": [jwk]}

    async def _keys(self) -> dict[str, Any]:
        return self._jwks

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(StaticKeys(self._keys), issuer=self.issuer, audience=self.audience)

    def staff(
        self,
        *,
        tenant_id: str | None = None,
        role: str = "owner",
        user_id: str | None = None,
        ttl_seconds: int = 900,
    ) -> str:
        return self._signed(
            ttl_seconds,
            sub=user_id or str(uuid.uuid4()),
            tenant_id=tenant_id or str(uuid.uuid4()),
            role=role,
        )

    def guest(
        self,
        *,
        tenant_id: str,
        table_id: str,
        subject: str | None = None,
        ttl_seconds: int = 3 * 3600,
    ) -> str:
        """A guest's token as auth issues it for a table's guest link: role `guest`, the
        table, and a subject of its own per link (`guest:<uuid>` unless given)."""
        return self._signed(
            ttl_seconds,
            sub=subject or f"guest:{uuid.uuid4()}",
            tenant_id=tenant_id,
            role="guest",
            table_id=table_id,
        )

    def service(
        self,
        client_id: str,
        scopes: list[str],
        ttl_seconds: int = 600,
        *,
        tenant_id: str | None = None,
    ) -> str:
        """A service account's token; with `tenant_id`, issued for that restaurant only."""
        bound = {} if tenant_id is None else {"tenant_id": tenant_id}
        return self._signed(
            ttl_seconds, sub=f"service:{client_id}", scope=" ".join(scopes), **bound
        )

    def _signed(self, ttl_seconds: int, **claims: Any) -> str:
        """`claims` with what auth puts in every token (issuer, audience, times, id), signed."""
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            **claims,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(body, self._key, algorithm="EdDSA", headers={"kid": self.kid})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
