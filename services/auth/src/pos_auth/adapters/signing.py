"""Ed25519 signing keys: generated here, stored by the key repository, published as a JWKS."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key_pem: str
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None

    def sign(self, claims: dict[str, Any]) -> str:
        key = serialization.load_pem_private_key(self.private_key_pem.encode(), password=None)
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": self.kid})  # type: ignore[arg-type]


def generate_signing_key(now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    kid = f"{now:%Y%m%d}-{secrets.token_hex(6)}"
    public_jwk: dict[str, Any] = json.loads(OKPAlgorithm.to_jwk(private.public_key()))
    public_jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    pem = private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
    return SigningKey(
        kid=kid, private_key_pem=pem, public_jwk=public_jwk, created_at=now, retired_at=None
    )
