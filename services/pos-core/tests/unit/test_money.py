"""Totals and tax rounding: integer minor units, half up per line, never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from pos_core.domain.money import (
    PricedLine,
    format_amount,
    format_money,
    format_rate,
    line_amount,
    line_tax,
    round_half_up_div,
    totals_of,
)


@pytest.mark.parametrize(
    ("amount", "rate_bps", "tax"),
    [
        (1000, 1000, 100),  # exact
        (1005, 500, 50),  # 50.25 -> down
        (1010, 500, 51),  # 50.5 exactly half -> up
        (1030, 500, 52),  # 51.5 -> up
        (999, 1000, 100),  # 99.9 -> up
        (1, 5000, 1),  # 0.5 -> up
        (1, 4999, 0),  # 0.4999 -> down
        (3, 1650, 0),  # 0.495 -> down
        (0, 2000, 0),
        (1234, 0, 0),
        (10**15 + 1, 1, 100_000_000_000),  # 100000000000.0001: no float would keep this
    ],
)
def test_line_tax_rounds_half_up(amount: int, rate_bps: int, tax: int) -> None:
    assert line_tax(amount, rate_bps) == tax
    assert type(line_tax(amount, rate_bps)) is int


def test_line_tax_agrees_with_decimal_half_up_everywhere() -> None:
    for amount in range(0, 5000, 7):
        for rate in (1, 5, 250, 500, 700, 825, 1000, 1950, 2000, 2100, 10_000):
            exact = Decimal(amount) * Decimal(rate) / Decimal(10_000)
            expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            assert line_tax(amount, rate) == expected, (amount, rate)


def test_half_up_division_refuses_negative_input() -> None:
    with pytest.raises(ValueError, match="non-negative numerator"):
        round_half_up_div(-1, 2)
    with pytest.raises(ValueError, match="cannot be negative"):
        line_tax(100, -1)


def test_a_line_is_price_plus_modifier_deltas_times_quantity() -> None:
    assert line_amount(base_price=1200, modifier_deltas=[300, 150], quantity=2) == 3300
    assert line_amount(base_price=1200, modifier_deltas=[-200], quantity=3) == 3000
    assert line_amount(base_price=500, modifier_deltas=[], quantity=1) == 500


def test_totals_add_per_line_taxes_and_break_them_down_by_rate() -> None:
    lines = [
        PricedLine(amount=1005, tax_rate_bps=500, tax=line_tax(1005, 500)),  # 50.25 -> 50
        PricedLine(amount=1005, tax_rate_bps=500, tax=line_tax(1005, 500)),  # 50.25 -> 50
        PricedLine(amount=1050, tax_rate_bps=2000, tax=line_tax(1050, 2000)),  # 210
        PricedLine(amount=300, tax_rate_bps=0, tax=0),
    ]
    totals = totals_of(lines)
    assert totals.subtotal == 3360
    # Rounded per line (50 + 50), not on the sum (100.5 -> 101): the receipt adds up.
    assert totals.tax == 50 + 50 + 210
    assert totals.total == 3360 + 310
    assert [(t.rate_bps, t.taxable, t.tax) for t in totals.taxes] == [
        (0, 300, 0),
        (500, 2010, 100),
        (2000, 1050, 210),
    ]
    for value in (totals.subtotal, totals.tax, totals.total, *(t.tax for t in totals.taxes)):
        assert type(value) is int


def test_an_empty_order_totals_zero() -> None:
    totals = totals_of([])
    assert (totals.subtotal, totals.tax, totals.total, totals.taxes) == (0, 0, 0, ())


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (12345, "EUR", "123.45"),
        (5, "EUR", "0.05"),
        (0, "USD", "0.00"),
        (-50, "EUR", "-0.50"),
        (1500, "JPY", "1500"),
        (12345, "KWD", "12.345"),
        (100_000_000_01, "EUR", "100000000.01"),
    ],
)
def test_amounts_print_from_minor_units_without_floats(
    minor: int, currency: str, text: str
) -> None:
    assert format_amount(minor, currency) == text


def test_money_names_its_currency() -> None:
    assert format_money(4890, "eur") == "EUR 48.90"


@pytest.mark.parametrize(
    ("bps", "text"), [(1000, "10%"), (750, "7.5%"), (1234, "12.34%"), (0, "0%"), (5, "0.05%")]
)
def test_tax_rates_print_from_basis_points(bps: int, text: str) -> None:
    assert format_rate(bps) == text
