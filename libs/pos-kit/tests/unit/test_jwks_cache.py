"""RemoteJWKS: cached keys, one refetch for an unknown kid, rate-limited, outage-tolerant."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from pos_kit.errors import Unauthorized
from pos_kit.tokens import RemoteJWKS, TokenVerifier


def a_key(kid: str) -> tuple[Ed25519PrivateKey, dict[str, Any]]:
    private = Ed25519PrivateKey.generate()
    jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "EdDSA", "use": "sig"})
    return private, jwk


class Auth:
    """auth's JWKS endpoint as a transport: counts fetches, can rotate or go away."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        self.down = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": self.keys})


def token(private: Ed25519PrivateKey, kid: str) -> str:
    now = int(time.time())
    return jwt.encode(
        {
            "iss": "pos-auth",
            "aud": "pos",
            "sub": "u",
            "tenant_id": str(uuid.uuid4()),
            "role": "waiter",
            "iat": now,
            "exp": now + 60,
        },
        private,
        algorithm="EdDSA",
        headers={"kid": kid},
    )


def verifier_of(auth: Auth, **cache: float) -> tuple[RemoteJWKS, TokenVerifier]:
    """A verifier of auth's tokens, through a `RemoteJWKS(**cache)` that fetches from `auth`."""
    jwks = RemoteJWKS(
        "http://auth/.well-known/jwks.json", transport=httpx.MockTransport(auth.handler), **cache
    )
    return jwks, TokenVerifier(jwks, issuer="pos-auth", audience="pos")


async def test_a_rotated_key_is_fetched_once_and_unknown_kids_cannot_hammer_auth() -> None:
    auth = Auth()
    old, old_jwk = a_key("k1")
    auth.keys = [old_jwk]
    jwks, verifier = verifier_of(auth, min_refresh_interval=0.0)

    await verifier.verify(token(old, "k1"))
    await verifier.verify(token(old, "k1"))
    assert auth.fetches == 1, "cached keys are not fetched again"

    new, new_jwk = a_key("k2")
    auth.keys = [old_jwk, new_jwk]
    await verifier.verify(token(new, "k2"))
    assert auth.fetches == 2, "an unknown kid refetches the key set once"

    jwks.min_refresh_interval = 60.0
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await verifier.verify(token(Ed25519PrivateKey.generate(), "forged"))
    assert auth.fetches == 2, "forged kids do not make a verifier refetch within the interval"


async def test_an_auth_outage_keeps_the_keys_already_known() -> None:
    auth = Auth()
    private, jwk = a_key("k1")
    auth.keys = [jwk]
    _, verifier = verifier_of(auth, cache_seconds=0.0, min_refresh_interval=0.0)
    await verifier.verify(token(private, "k1"))
    auth.down = True
    principal = await verifier.verify(token(private, "k1"))
    assert principal.role == "waiter"
    assert auth.fetches >= 2
