"""The restaurant service as inventory calls it: a restaurant's profile, on the caller's behalf."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pos_inventory.domain.profiles import ProfileCopy
from pos_kit.http import (
    DownstreamUnavailable,
)
from pos_kit.http.downstream import DownstreamClient

DOWNSTREAM = "restaurant"
PROFILE_PATH = "/api/v1/restaurant"


class _Profile(BaseModel):
    """What inventory reads of `GET /api/v1/restaurant`."""

    model_config = ConfigDict(extra="ignore")

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    version: int = Field(ge=1)


class RestaurantClient(DownstreamClient):
    downstream = DOWNSTREAM

    async def profile(self, *, tenant_id: uuid.UUID, token: str) -> ProfileCopy:
        """The restaurant's profile as restaurant answers it to the caller (`token`).

        `DownstreamError` (a 503 with Retry-After) when there is no usable answer: the
        service is down, or the profile does not exist yet (restaurant creates it when it
        handles `tenant.registered`, seconds after sign-up).
        """
        response = await self.http.get(PROFILE_PATH, token=token)
        if response.status_code != 200:
            raise self._no_profile(f"answered {response.status_code}")
        try:
            answer = _Profile.model_validate_json(response.content)
        except ValidationError as exc:
            raise self._no_profile("answered a profile inventory cannot read") from exc
        return ProfileCopy(tenant_id, answer.currency, answer.version)

    def _no_profile(self, why: str) -> DownstreamUnavailable:
        return self.unusable(f"{why} for the restaurant's profile", reason="no_profile")
