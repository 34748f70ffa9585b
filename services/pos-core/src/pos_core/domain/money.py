"""Money in integer minor units: line amounts, tax rounding, totals and how amounts print.

Prices are tax-exclusive. For every order line:

    unit price  = product price + sum of the chosen modifiers' price deltas
    line amount = unit price * quantity
    line tax    = line amount * tax_rate_bps / 10_000, rounded half up to a whole minor unit

and for the order: subtotal = sum of line amounts, tax = sum of line taxes,
total = subtotal + tax. Tax is rounded per line (not on the sum), so a receipt's
lines add up exactly to its totals.

Rounding uses integer arithmetic only (`divmod`), never floats. Line amounts are
never negative (the order refuses a unit price below zero), so "half up" and
"half away from zero" are the same rule: a remainder of exactly half a minor
unit rounds up, e.g. 1005 * 500 bps = 50.25 -> 50, 1010 * 500 bps = 50.5 -> 51.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BPS_PER_UNIT = 10_000  # 10_000 basis points = 100 %

# ISO 4217 minor-unit exponents that differ from the usual two decimals.
_EXPONENTS: dict[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0 and denominator > 0."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up_div takes a non-negative numerator and a positive divisor")
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient


def line_amount(*, base_price: int, modifier_deltas: Iterable[int], quantity: int) -> int:
    """(price + sum of modifier deltas) * quantity, tax excluded."""
    return (base_price + sum(modifier_deltas)) * quantity


def line_tax(amount: int, tax_rate_bps: int) -> int:
    """The tax on one line: amount * rate, rounded half up to a whole minor unit."""
    if tax_rate_bps < 0:
        raise ValueError("a tax rate cannot be negative")
    return round_half_up_div(amount * tax_rate_bps, BPS_PER_UNIT)


@dataclass(frozen=True)
class TaxLine:
    """What one tax rate contributes: the amounts it applies to and the tax they carry."""

    rate_bps: int
    taxable: int
    tax: int


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax: int
    total: int
    taxes: tuple[TaxLine, ...]  # one per rate, lowest rate first


@dataclass(frozen=True)
class PricedLine:
    """The figures of one line that totals are built from."""

    amount: int
    tax_rate_bps: int
    tax: int


def totals_of(lines: Iterable[PricedLine]) -> Totals:
    by_rate: dict[int, tuple[int, int]] = {}
    subtotal = tax = 0
    for line in lines:
        subtotal += line.amount
        tax += line.tax
        taxable, taxed = by_rate.get(line.tax_rate_bps, (0, 0))
        by_rate[line.tax_rate_bps] = (taxable + line.amount, taxed + line.tax)
    return Totals(
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        taxes=tuple(TaxLine(rate, *by_rate[rate]) for rate in sorted(by_rate)),
    )


def minor_unit_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_amount(minor: int, currency: str) -> str:
    """12345 EUR -> "123.45"; 500 JPY -> "500"; -50 EUR -> "-0.50". No floats: divmod."""
    exponent = minor_unit_exponent(currency)
    sign = "-" if minor < 0 else ""
    if exponent == 0:
        return f"{sign}{abs(minor)}"
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def format_money(minor: int, currency: str) -> str:
    """12345 EUR -> "EUR 123.45"."""
    return f"{currency.upper()} {format_amount(minor, currency)}"


def format_rate(rate_bps: int) -> str:
    """1000 -> "10%", 750 -> "7.5%", 1234 -> "12.34%"."""
    whole, fraction = divmod(rate_bps, 100)
    if fraction == 0:
        return f"{whole}%"
    return f"{whole}.{fraction:02d}".rstrip("0") + "%"
