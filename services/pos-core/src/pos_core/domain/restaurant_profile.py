"""A restaurant as pos-core needs it: its receipts' heading and whether a paid dine-in order
closes at once; pos-core's copy of the profile the restaurant service owns.

The restaurant service raises the profile's `version` on every change and announces
it (`restaurant.profile_changed`); events can arrive out of order, so the copy keeps
the highest version it saw. When neither the copy nor the restaurant service knows
the restaurant, a receipt still prints, under a heading that is plainly neutral.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# What a receipt says when pos-core does not know the restaurant: a generic name, UTC,
# and for an order without items the ISO 4217 code for "no currency".
NEUTRAL_NAME = "Restaurant"
NEUTRAL_TIMEZONE = "UTC"
NO_CURRENCY = "XXX"


@dataclass(frozen=True)
class RestaurantProfile:
    name: str
    address: str | None
    timezone: str  # IANA, e.g. Europe/Paris
    currency: str  # ISO 4217; what an order without items prints in
    receipt_footer: str | None
    # 1 at creation, one more with every change; 0 when the source did not say.
    version: int
    # A dine-in order closes (freeing its table) as soon as its payments cover it; when
    # false, or when pos-core does not know the restaurant, it waits for staff to close it.
    close_when_paid: bool = False


NEUTRAL_PROFILE = RestaurantProfile(
    name=NEUTRAL_NAME,
    address=None,
    timezone=NEUTRAL_TIMEZONE,
    currency=NO_CURRENCY,
    receipt_footer=None,
    version=0,
)


def known_timezone(name: str) -> str:
    """`name` if this machine can print times in that zone; ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name
