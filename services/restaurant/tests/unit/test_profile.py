"""The profile's rules: ISO 4217 currency, IANA time zone, tax in basis points, all-or-nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pos_restaurant.domain.errors import InvalidValue
from pos_restaurant.domain.profile import (
    RestaurantProfile,
    check_cash_rounding,
    check_currency,
    check_tax_rate_bps,
    check_timezone,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def a_profile(**overrides: object) -> RestaurantProfile:
    values: dict[str, object] = {
        "tenant_id": uuid.uuid4(),
        "name": "Chez Test",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "default_tax_rate_bps": 1000,
        "now": NOW,
    }
    values.update(overrides)
    return RestaurantProfile.open(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "stored"), [("EUR", "EUR"), ("usd", "USD"), (" jpy ", "JPY")])
def test_currencies_are_iso_4217_codes_stored_upper_case(given: str, stored: str) -> None:
    assert check_currency(given) == stored


@pytest.mark.parametrize("code", ["EURO", "XXX", "XAU", "ZZZ", "", "€"])
def test_anything_else_is_not_a_currency(code: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_currency(code)
    assert refused.value.status == 422
    assert refused.value.field == "currency"


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"])
def test_iana_time_zones_are_accepted(zone: str) -> None:
    assert check_timezone(zone) == zone


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "europe/paris", "+02:00", "CEST", "../etc/passwd", ""]
)
def test_other_time_zone_names_are_refused(zone: str) -> None:
    with pytest.raises(InvalidValue):
        check_timezone(zone)


def test_tax_rates_are_basis_points_from_zero_to_a_hundred_percent() -> None:
    assert check_tax_rate_bps(0) == 0
    assert check_tax_rate_bps(2000) == 2000
    assert check_tax_rate_bps(10_000) == 10_000
    for bad in (-1, 10_001):
        with pytest.raises(InvalidValue):
            check_tax_rate_bps(bad)


def test_a_new_profile_starts_from_the_sign_up_name_and_the_defaults() -> None:
    profile = a_profile(name="  Trattoria Uno ", currency="chf")
    assert profile.name == "Trattoria Uno"
    assert profile.currency == "CHF"
    assert profile.address is None
    assert profile.receipt_footer is None
    assert profile.version == 1
    # Payments: no cash rounding, waiters do not take payments, staff close paid orders.
    assert profile.cash_rounding_minor_units == 1
    assert profile.waiters_take_payments is False
    assert profile.close_when_paid is False


def test_an_edit_changes_only_the_fields_given_and_none_clears_optional_ones() -> None:
    profile = a_profile()
    later = NOW + timedelta(minutes=5)
    profile.edit(now=later, address="1 Rue de la Paix\n75002 Paris", receipt_footer="Merci!")
    profile.edit(now=later, receipt_footer=None, default_tax_rate_bps=550)
    assert profile.address == "1 Rue de la Paix\n75002 Paris"
    assert profile.receipt_footer is None
    assert profile.default_tax_rate_bps == 550
    assert profile.currency == "EUR"
    assert profile.updated_at == later
    assert profile.version == 3  # one more per edit


def test_an_edit_with_one_bad_field_changes_nothing() -> None:
    profile = a_profile()
    before = (profile.name, profile.currency, profile.timezone, profile.updated_at, profile.version)
    with pytest.raises(InvalidValue) as refused:
        profile.edit(now=NOW + timedelta(hours=1), name="New name", timezone="Nowhere/Land")
    assert refused.value.field == "timezone"
    assert (
        profile.name,
        profile.currency,
        profile.timezone,
        profile.updated_at,
        profile.version,
    ) == before


def test_a_blank_name_is_refused() -> None:
    with pytest.raises(InvalidValue):
        a_profile().edit(now=NOW, name="   ")


def test_cash_rounds_to_one_to_a_thousand_minor_units() -> None:
    assert check_cash_rounding(1) == 1
    assert check_cash_rounding(5) == 5
    assert check_cash_rounding(1000) == 1000
    for bad in (0, -5, 1001):
        with pytest.raises(InvalidValue) as refused:
            check_cash_rounding(bad)
        assert refused.value.field == "cash_rounding_minor_units"


def test_payment_settings_change_with_the_rest_all_or_nothing() -> None:
    profile = a_profile()
    profile.edit(now=NOW, cash_rounding_minor_units=5, close_when_paid=True)
    assert (profile.cash_rounding_minor_units, profile.close_when_paid) == (5, True)
    assert profile.waiters_take_payments is False
    with pytest.raises(InvalidValue):
        profile.edit(now=NOW, waiters_take_payments=True, cash_rounding_minor_units=0)
    assert profile.waiters_take_payments is False
    assert profile.cash_rounding_minor_units == 5
    assert profile.version == 2
