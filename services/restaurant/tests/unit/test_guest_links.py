"""A guest link's address: the guest page, and the token where no server ever sees it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from pos_restaurant.config import RestaurantSettings
from pos_restaurant.domain.guest_links import GuestLink


def test_the_token_rides_in_the_fragment_of_the_guest_page() -> None:
    table = uuid.uuid4()
    link = GuestLink.for_table(
        table,
        token="eyJ.a.b",
        expires_at=datetime(2026, 11, 25, 15, tzinfo=UTC),
        base_url="https://bistro.example/guest",
    )

    assert link.url == "https://bistro.example/guest#token=eyJ.a.b"
    assert (link.table_id, link.token) == (table, "eyJ.a.b")


def test_the_guest_page_is_a_local_address_unless_set() -> None:
    assert RestaurantSettings().guest_link_base_url == "http://127.0.0.1:8000/guest"
    settings = RestaurantSettings(guest_link_base_url="https://bistro.example/guest")
    assert settings.guest_link_base_url == "https://bistro.example/guest"


@pytest.mark.parametrize("url", ["bistro.example/guest", "https://bistro.example/g#x", "ftp://a"])
def test_a_guest_page_address_that_cannot_carry_the_token_stops_the_start(url: str) -> None:
    with pytest.raises(ValidationError, match="guest_link_base_url"):
        RestaurantSettings(guest_link_base_url=url)
