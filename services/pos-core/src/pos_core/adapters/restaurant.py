"""The client of the restaurant service: a restaurant's profile, when pos-core has no copy
yet, and whether a table is one of the caller's restaurant's.

One `ResilientClient` for the restaurant service (a short time budget, retries of the
GET, one circuit breaker). The call carries the caller's bearer token, so the
restaurant service answers with the caller's own restaurant.
"""

from __future__ import annotations

import uuid

import structlog
from pydantic import Field, StrictBool, StrictInt, ValidationError, field_validator

from pos_core.domain.errors import RestaurantProfileUnavailable, TableUnverifiable
from pos_core.domain.restaurant_profile import RestaurantProfile, known_timezone
from pos_kit.events import EventData
from pos_kit.http import DownstreamError
from pos_kit.http.downstream import DownstreamClient
from pos_kit.mapping import build

log = structlog.get_logger(__name__)

DOWNSTREAM = "restaurant"


class ProfileIn(EventData):
    """A restaurant's profile as the restaurant service tells it, in the answer of its API
    and in `restaurant.profile_changed` alike: the fields receipts print, whether a paid
    dine-in order closes at once, and the version.

    Fields pos-core does not read are ignored, so the restaurant service may add more.
    """

    name: str = Field(min_length=1)
    address: str | None = None
    timezone: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    receipt_footer: str | None = None
    # Left out (a restaurant service that does not say yet): the oldest version, which
    # any restaurant.profile_changed replaces.
    version: StrictInt = Field(default=0, ge=0)
    # Left out (a restaurant service that does not send it yet): staff close paid orders.
    close_when_paid: StrictBool = False

    _known_timezone = field_validator("timezone")(known_timezone)

    def to_domain(self) -> RestaurantProfile:
        return build(RestaurantProfile, self)


class RestaurantClient(DownstreamClient):
    downstream = DOWNSTREAM

    async def profile(self, *, token: str) -> RestaurantProfile | None:
        """The profile of the caller's restaurant; None while the restaurant service has none."""
        try:
            response = await self.http.get("/api/v1/restaurant", token=token)
        except DownstreamError as exc:
            raise RestaurantProfileUnavailable(exc.detail) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RestaurantProfileUnavailable(
                f"The restaurant service answered {response.status_code} for the profile."
            )
        try:
            return ProfileIn.model_validate_json(response.content).to_domain()
        except ValidationError as exc:
            log.error("restaurant_profile_invalid", errors=exc.errors(include_url=False))
            raise RestaurantProfileUnavailable(
                "The restaurant service answered a profile pos-core cannot read."
            ) from exc

    async def has_table(self, table_id: uuid.UUID, *, token: str) -> bool:
        """Whether the caller's restaurant has this table (another's answers 404 there)."""
        try:
            response = await self.http.get(f"/api/v1/tables/{table_id}", token=token)
        except DownstreamError as exc:
            raise TableUnverifiable(
                f"{exc.detail} The table could not be checked, so the order was not opened;"
                " open it without a table, or try again shortly.",
                retry_after_seconds=exc.retry_after_seconds,
            ) from exc
        if response.status_code in (200, 404):
            return response.status_code == 200
        log.error("restaurant_table_lookup_failed", status_code=response.status_code)
        raise TableUnverifiable(
            f"The restaurant service answered {response.status_code} for the table.",
            retry_after_seconds=5,
        )
