"""TokenVerifier remembers tokens that passed, until they expire or their key is withdrawn."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt import PyJWK
from jwt.algorithms import OKPAlgorithm

from pos_kit import tokens as tokens_module
from pos_kit.errors import Unauthorized
from pos_kit.tokens import TokenVerifier

KID = "key-1"


class Keys:
    """A JWKS that a test can withdraw a key from."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(self.private.public_key()))
        jwk.update({"kid": KID, "alg": "EdDSA", "use": "sig"})
        self.published: dict[str, PyJWK] = {KID: PyJWK.from_dict(jwk)}

    async def key_for(self, kid: str) -> PyJWK | None:
        return self.published.get(kid)

    def token(self, *, ttl_seconds: int = 600, role: str = "waiter") -> str:
        now = int(time.time())
        claims = {
            "iss": "pos-auth",
            "aud": "pos",
            "sub": str(uuid.uuid4()),
            "tenant_id": str(uuid.uuid4()),
            "role": role,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": KID})


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
def signature_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token whose signature the verifier checked, in order."""
    checked: list[str] = []
    real_decode = jwt.decode

    def counting_decode(token: str, *args: Any, **kwargs: Any) -> Any:
        checked.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(tokens_module.jwt, "decode", counting_decode)
    return checked


def verifier(keys: Keys, **options: Any) -> TokenVerifier:
    return TokenVerifier(keys, issuer="pos-auth", audience="pos", **options)


async def test_a_valid_token_is_checked_once_and_then_remembered(
    keys: Keys, signature_checks: list[str]
) -> None:
    check = verifier(keys)
    waiter = keys.token()
    first = await check.verify(waiter)
    assert [await check.verify(waiter) for _ in range(3)] == [first] * 3
    assert signature_checks == [waiter]
    assert (first.role, first.token) == ("waiter", waiter)


async def test_a_remembered_token_is_refused_once_it_expires(keys: Keys) -> None:
    check = verifier(keys, leeway_seconds=0)
    short = keys.token(ttl_seconds=1)
    await check.verify(short)
    await asyncio.sleep(1.1)
    with pytest.raises(Unauthorized, match="expired"):
        await check.verify(short)


async def test_a_token_whose_key_was_withdrawn_is_refused_though_remembered(
    keys: Keys,
) -> None:
    check = verifier(keys)
    waiter = keys.token()
    await check.verify(waiter)
    del keys.published[KID]
    with pytest.raises(Unauthorized, match="unknown key"):
        await check.verify(waiter)


async def test_a_forged_token_is_checked_every_time(
    keys: Keys, signature_checks: list[str]
) -> None:
    check = verifier(keys)
    genuine = keys.token()
    await check.verify(genuine)
    head, body, _ = genuine.split(".")
    owner_claims = json.loads(jwt.utils.base64url_decode(body)) | {"role": "owner"}
    forged_body = jwt.utils.base64url_encode(json.dumps(owner_claims).encode()).decode()
    forged = f"{head}.{forged_body}.{genuine.split('.')[2]}"
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await check.verify(forged)
    assert signature_checks == [genuine, forged, forged]


async def test_the_least_recently_used_token_is_forgotten_first(
    keys: Keys, signature_checks: list[str]
) -> None:
    check = verifier(keys, cache_size=2)
    first, second, third = keys.token(), keys.token(), keys.token()
    for token in (first, second, first, third):  # `second` is now the least recently used
        await check.verify(token)
    await check.verify(first)
    await check.verify(second)
    assert signature_checks == [first, second, third, second]
