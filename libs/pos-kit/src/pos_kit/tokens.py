"""Verifying auth's tokens: JWKS fetched and cached, algorithms pinned, claims checked.

Every service verifies access tokens locally against auth's public keys; only
auth signs. An unknown `kid` triggers one refresh of the key set (rate limited,
so a flood of forged kids cannot hammer auth), which is how a rotated key is
picked up without a restart.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import httpx
import jwt
import structlog
from jwt import PyJWK

from pos_kit.errors import Unauthorized

log = structlog.get_logger(__name__)

# Only asymmetric algorithms: a token "signed" with HS256 using the public key as
# the secret, or with alg "none", is refused before any key is looked at.
DEFAULT_ALGORITHMS: tuple[str, ...] = ("EdDSA",)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a member of staff or a guest of one tenant, or a service account."""

    subject: str
    tenant_id: str | None
    role: str | None
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None
    email: str | None = None
    # The access token itself, for a service that calls another on the caller's behalf.
    token: str = field(default="", repr=False, compare=False)
    # Every claim of the verified token (read-only), for the few a service reads itself
    # (a guest token's `table_id`); the fields above are the ones every service uses.
    claims: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )

    @property
    def is_service(self) -> bool:
        return self.role is None and self.subject.startswith("service:")

    @property
    def tenant(self) -> uuid.UUID:
        """The restaurant this principal acts for (from the token only); 401 if it names none."""
        if not self.tenant_id:
            raise Unauthorized("The token names no restaurant.")
        return uuid.UUID(self.tenant_id)  # checked to be a UUID when the token was verified


class KeySource(Protocol):
    async def key_for(self, kid: str) -> PyJWK | None: ...


class StaticKeys:
    """Keys known in-process (auth verifies its own tokens this way)."""

    def __init__(self, jwks: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        self._jwks = jwks

    async def key_for(self, kid: str) -> PyJWK | None:
        for jwk in (await self._jwks()).get("keys", []):
            if jwk.get("kid") == kid:
                return PyJWK.from_dict(jwk)
        return None


class RemoteJWKS:
    """auth's `/.well-known/jwks.json`, cached, refreshed on expiry or an unknown kid."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300,
        min_refresh_interval: float = 10,
        timeout_seconds: float = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.cache_seconds = cache_seconds
        self.min_refresh_interval = min_refresh_interval
        self.timeout_seconds = timeout_seconds
        self._transport = transport
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> PyJWK | None:
        now = time.monotonic()
        if kid in self._keys and now - self._fetched_at < self.cache_seconds:
            return self._keys[kid]
        if now - self._fetched_at >= self.min_refresh_interval:
            await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refresh_interval:
                return  # another request refreshed while this one waited
            try:
                async with httpx.AsyncClient(
                    timeout=self.timeout_seconds, transport=self._transport
                ) as client:
                    response = await client.get(self.url)
                    response.raise_for_status()
                    keys = response.json().get("keys", [])
            except (httpx.HTTPError, ValueError) as exc:
                # Keep the keys we have: a brief auth outage must not log everyone out.
                log.warning("jwks_refresh_failed", url=self.url, error=str(exc))
                self._fetched_at = time.monotonic()
                return
            fresh: dict[str, PyJWK] = {}
            for jwk in keys:
                try:
                    fresh[jwk["kid"]] = PyJWK.from_dict(jwk)
                except (KeyError, jwt.PyJWKError) as exc:
                    log.warning("jwks_key_skipped", kid=jwk.get("kid"), error=str(exc))
            self._keys = fresh
            self._fetched_at = time.monotonic()
            log.info("jwks_refreshed", kids=sorted(fresh))


@dataclass(frozen=True)
class _Verified:
    principal: Principal
    kid: str
    expires_at: float


class TokenVerifier:
    """Checks a token's signature, algorithm, issuer, audience and times.

    A token that passed is remembered until it expires (at most `cache_size` of them,
    the least recently used dropped first): a waiter's terminal sends the same token
    with every request, and checking its signature again each time was a third of a
    millisecond per request (issue 10). A remembered token is accepted only while its
    key is still published, so removing a key from the JWKS still refuses its tokens;
    a token that failed is never remembered, so forged ones are checked every time.
    """

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str] = DEFAULT_ALGORITHMS,
        leeway_seconds: int = 5,
        cache_size: int = 4096,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = list(algorithms)
        self.leeway_seconds = leeway_seconds
        self.cache_size = cache_size
        self._clock = clock
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            still_valid = self._clock() < known.expires_at + self.leeway_seconds
            if still_valid and await self.keys.key_for(known.kid) is not None:
                self._verified.move_to_end(token)
                return known.principal
            del self._verified[token]
        principal, kid = await self._check(token)
        self._verified[token] = _Verified(principal, kid, float(principal.claims["exp"]))
        if len(self._verified) > self.cache_size:
            self._verified.popitem(last=False)
        return principal

    async def _check(self, token: str) -> tuple[Principal, str]:
        """The token's principal and key id, once every check passed; else Unauthorized."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("The token is not a well-formed JWT.") from exc
        alg = header.get("alg")
        kid = header.get("kid")
        if alg not in self.algorithms:
            raise Unauthorized("The token's signing algorithm is not accepted.")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("The token names no signing key.")
        key = await self.keys.key_for(kid)
        if key is None:
            raise Unauthorized("The token was signed by an unknown key.")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired.") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("The token is not valid.") from exc
        return _principal_from_claims(claims, token), kid


def _principal_from_claims(claims: dict[str, Any], token: str) -> Principal:
    scope = claims.get("scope") or ""
    if not isinstance(scope, str):
        raise Unauthorized("The token's scope claim is malformed.")
    tenant_id = claims.get("tenant_id")
    role = claims.get("role")
    if role is not None and not tenant_id:
        raise Unauthorized("A staff token must name its tenant.")
    if tenant_id:
        try:
            tenant_id = str(uuid.UUID(str(tenant_id)))
        except ValueError as exc:
            raise Unauthorized("The token's tenant is not a valid restaurant id.") from exc
    return Principal(
        subject=str(claims["sub"]),
        tenant_id=str(tenant_id) if tenant_id else None,
        role=str(role) if role else None,
        scopes=frozenset(scope.split()),
        token_id=claims.get("jti"),
        email=claims.get("email"),
        token=token,
        claims=MappingProxyType(dict(claims)),
    )


def remote_verifier(
    *, jwks_url: str, issuer: str, audience: str, cache_seconds: float = 300
) -> TokenVerifier:
    """The verifier every service but auth uses: auth's JWKS over HTTP, cached."""
    return TokenVerifier(
        RemoteJWKS(jwks_url, cache_seconds=cache_seconds), issuer=issuer, audience=audience
    )
