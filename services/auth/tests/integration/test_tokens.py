"""Tokens verify with a standard JWT library against the JWKS; forgeries get 401."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_auth.use_cases.keys import KeyRing, KeyRotation
from pos_kit.testing.tokens import bearer


async def _jwks(client) -> dict[str, Any]:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys: dict[str, Any] = response.json()
    return keys


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_an_access_token_verifies_with_pyjwt_against_the_jwks(client, staff) -> None:
    owner = await staff.sign_up()
    token = owner["access_token"]
    key_set = jwt.PyJWKSet.from_dict(await _jwks(client))
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in key_set.keys if k.key_id == kid)
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="pos", issuer="pos-auth")
    assert claims["sub"] == owner["user"]["id"]
    assert claims["tenant_id"] == owner["tenant_id"]
    assert claims["role"] == "owner"


def _forgeries(token: str, jwks: dict[str, Any]) -> dict[str, str]:
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = header["kid"]
    public_x = next(k for k in jwks["keys"] if k["kid"] == kid)["x"]
    impostor = Ed25519PrivateKey.generate()
    head, _body, sig = token.split(".")

    forged: dict[str, str] = {}
    forged["alg none"] = _b64({"alg": "none", "typ": "JWT", "kid": kid}) + "." + _b64(claims) + "."
    forged["HS256 keyed with the public key"] = jwt.encode(
        claims, public_x, algorithm="HS256", headers={"kid": kid}
    )
    forged["another key, same kid"] = jwt.encode(
        claims, impostor, algorithm="EdDSA", headers={"kid": kid}
    )
    forged["expired"] = jwt.encode(
        {**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
        impostor,
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    forged["tampered claims"] = (
        head + "." + _b64({**claims, "role": "owner", "tenant_id": "x"}) + "." + sig
    )
    forged["wrong aud"] = jwt.encode(
        {**claims, "aud": "someone-else"}, impostor, algorithm="EdDSA", headers={"kid": kid}
    )
    forged["wrong iss"] = jwt.encode(
        {**claims, "iss": "evil"}, impostor, algorithm="EdDSA", headers={"kid": kid}
    )
    forged["unknown kid"] = jwt.encode(
        claims, impostor, algorithm="EdDSA", headers={"kid": "not-a-key"}
    )
    forged["garbage"] = "not.a.jwt"
    return forged


async def test_forged_tokens_are_refused(client, staff) -> None:
    owner = await staff.sign_up()
    genuine = await client.get("/api/v1/auth/me", headers=staff.headers(owner))
    assert genuine.status_code == 200
    for name, forged in _forgeries(owner["access_token"], await _jwks(client)).items():
        response = await client.get("/api/v1/auth/me", headers=bearer(forged))
        assert response.status_code == 401, name


async def test_a_genuinely_signed_but_expired_or_misaddressed_token_is_refused(client, app) -> None:
    """Signed by auth's real key: only the expiry/aud/iss checks can refuse these."""
    key = await app.state.use_cases.keys.signing_key()
    now = int(time.time())
    base = {
        "iss": "pos-auth",
        "aud": "pos",
        "sub": "00000000-0000-0000-0000-000000000001",
        "tenant_id": "00000000-0000-0000-0000-000000000002",
        "role": "owner",
        "iat": now,
        "exp": now + 600,
    }
    cases = {
        "expired": {**base, "iat": now - 7200, "exp": now - 3600},
        "wrong aud": {**base, "aud": "payments-only"},
        "wrong iss": {**base, "iss": "someone"},
    }
    for name, claims in cases.items():
        response = await client.get("/api/v1/auth/me", headers=bearer(key.sign(claims)))
        assert response.status_code == 401, name


async def test_after_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key(
    client, staff, app
) -> None:
    owner = await staff.sign_up()
    old_kid = jwt.get_unverified_header(owner["access_token"])["kid"]
    new_key = await app.state.use_cases.keys.rotate(reason="test")

    kids = {k["kid"] for k in (await _jwks(client))["keys"]}
    assert {old_kid, new_key.kid} <= kids

    still = await client.get("/api/v1/auth/me", headers=staff.headers(owner))
    assert still.status_code == 200
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": owner["user"]["email"], "password": owner["password"]},
    )
    assert jwt.get_unverified_header(login.json()["access_token"])["kid"] == new_key.kid


async def test_a_running_auth_rotates_a_key_that_reached_its_age(app) -> None:
    ring = KeyRing(
        app.state.database,
        rotation_age=timedelta(milliseconds=200),
        overlap=timedelta(hours=1),
        reload_seconds=0,
    )
    await ring.ensure_current()
    before = (await ring.signing_key()).kid
    rotation = KeyRotation(ring, every_seconds=0.1)
    await rotation.start()
    try:
        await asyncio.sleep(0.6)
    finally:
        await rotation.stop()
    after = (await ring.signing_key()).kid
    assert after != before
    assert before in {k["kid"] for k in (await ring.jwks())["keys"]}, "old key still verifies"
