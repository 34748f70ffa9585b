"""auth's staff-login API, called with a client-credentials token bound to one restaurant.

The token (`users:write`, carrying the tenant) comes from pos-kit's `ServiceTokens`,
kept per tenant until shortly before it expires. Creating a login is never sent
twice once it may have reached auth (auth does not honour Idempotency-Key), so a
timeout leaves its outcome unknown and says so. Deactivating is idempotent by nature
(a repeat answers "already deactivated"), so it is retried.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import structlog

from pos_kit.errors import ProblemError
from pos_kit.http import (
    DownstreamError,
    DownstreamTimeout,
    DownstreamUnavailable,
    ResilientClient,
    ServiceTokenRefused,
    ServiceTokens,
    answer_detail,
)
from pos_restaurant.domain.errors import (
    AuthAnsweredUnexpectedly,
    AuthRefusedService,
    InvalidValue,
    LoginEmailTaken,
)
from pos_restaurant.domain.staff import Login, Role

log = structlog.get_logger(__name__)

USERS_WRITE_SCOPE = "users:write"
USERS_PATH = "/api/v1/auth/users"


class AuthLogins:
    """Creates and deactivates staff logins in auth on behalf of a restaurant."""

    def __init__(self, http: ResilientClient, tokens: ServiceTokens) -> None:
        """`tokens` are the restaurant service's own, with the scope `users:write`."""
        self.http = http
        self.tokens = tokens

    async def create_login(
        self, *, tenant_id: uuid.UUID, email: str, full_name: str, role: Role, password: str
    ) -> Login:
        body = {"email": email, "full_name": full_name, "role": role.value, "password": password}
        try:
            response = await self._authorised("POST", USERS_PATH, tenant_id, json=body)
        except DownstreamTimeout as exc:
            log.warning("auth_login_creation_outcome_unknown", email=email)
            raise exc.reworded(
                "auth did not answer in time; the login may or may not have been made, and "
                "nobody was added here. Try again: if auth then says the e-mail exists, "
                "the login was made and an owner must deactivate it in auth.",
            ) from exc
        except DownstreamError as exc:
            consequence = "a member of staff with a login cannot be added now. Nothing was saved"
            raise _unavailable(exc, consequence) from exc
        if response.status_code == 201:
            payload = _json(response)
            try:
                return Login(user_id=uuid.UUID(str(payload["id"])), email=str(payload["email"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise AuthAnsweredUnexpectedly(
                    "auth made the login but its answer is unreadable."
                ) from exc
        if response.status_code == 409:
            raise LoginEmailTaken()
        if response.status_code == 422:
            raise InvalidValue("login", f"auth refused the login: {answer_detail(response)}")
        raise self._unexpected("create a login", response)

    async def deactivate_login(self, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        try:
            response = await self._authorised(
                "POST",
                f"{USERS_PATH}/{user_id}/deactivate",
                tenant_id,
                # Safe to repeat: a second deactivation changes nothing (auth answers 409).
                idempotency_key=f"deactivate-login-{user_id}",
            )
        except DownstreamError as exc:
            consequence = "this person's login cannot be stopped now. Nothing was changed"
            raise _unavailable(exc, consequence) from exc
        if response.status_code == 200:
            return
        if response.status_code in (404, 409):
            # Gone or already stopped: the login cannot sign in, which is what we want.
            log.info("auth_login_already_inactive", auth_user_id=str(user_id))
            return
        raise self._unexpected("deactivate a login", response)

    async def _authorised(
        self,
        method: str,
        path: str,
        tenant_id: uuid.UUID,
        *,
        json: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        async def send(token: str) -> httpx.Response:
            return await self.http.request(
                method, path, token=token, json=json, idempotency_key=idempotency_key
            )

        token = await self._token(tenant_id)
        response = await send(token)
        if response.status_code == 401:
            # Rejected before anything was done (a rotated key, a revoked client): a
            # fresh token may do, and resending cannot repeat an effect.
            self.tokens.forget(tenant_id, token)
            response = await send(await self._token(tenant_id))
            if response.status_code == 401:
                log.error("auth_rejected_service_token", path=path)
                raise AuthRefusedService()
        if response.status_code == 403:
            log.error("auth_forbade_service", path=path, detail=answer_detail(response))
            raise AuthRefusedService()
        return response

    async def _token(self, tenant_id: uuid.UUID) -> str:
        """The restaurant's token. Failing to get one, nothing was sent: never a timeout
        whose outcome is unknown (the callers word each failure their way)."""
        try:
            return await self.tokens.for_tenant(tenant_id)
        except ServiceTokenRefused as exc:
            raise AuthRefusedService() from exc
        except DownstreamTimeout as exc:
            # Nothing was sent yet: to the callers a token too late is plain unavailability.
            raise DownstreamUnavailable(
                exc.downstream,
                exc.detail,
                reason=exc.reason,
                retry_after_seconds=exc.retry_after_seconds,
            ) from exc
        except DownstreamError as exc:
            if exc.reason == "bad_answer":
                raise AuthAnsweredUnexpectedly(
                    "auth answered the token request unreadably."
                ) from exc
            raise

    def _unexpected(self, action: str, response: httpx.Response) -> ProblemError:
        log.error(
            "auth_answered_unexpectedly",
            action=action,
            status_code=response.status_code,
            detail=answer_detail(response),
        )
        return AuthAnsweredUnexpectedly(
            f"auth answered {response.status_code} when asked to {action}; nothing was saved."
        )


def _unavailable(exc: DownstreamError, consequence: str) -> DownstreamError:
    return exc.reworded(f"auth is unavailable, so {consequence}; try again shortly.")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError as exc:
        raise AuthAnsweredUnexpectedly("auth's answer is not JSON.") from exc
    if not isinstance(payload, dict):
        raise AuthAnsweredUnexpectedly("auth's answer is not a JSON object.")
    return payload
