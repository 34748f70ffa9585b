"""Arithmetic on integer minor units: cash rounding and even splits, exact to the cent."""

from __future__ import annotations

# The largest amount one request may name: 100 million in major units (10^10 minor).
MAX_AMOUNT = 10_000_000_000
# Cash rounding units a restaurant may choose: 1 (none) to a whole 10 major units.
MAX_ROUNDING_UNIT = 1_000
MIN_SPLIT_PARTS = 2
MAX_SPLIT_PARTS = 50


def round_to_unit(amount: int, unit: int) -> int:
    """`amount` to the nearest multiple of `unit`, halves up (Swiss rounding: 2132 -> 2130,
    2133 -> 2135 for a unit of 5)."""
    if unit < 1:
        raise ValueError("a rounding unit is at least 1 minor unit")
    remainder = amount % unit
    down = amount - remainder
    return down + unit if remainder * 2 >= unit else down


def split_evenly(amount: int, parts: int) -> list[int]:
    """`parts` amounts summing exactly to `amount`; the remainder's units go to the first parts."""
    if not MIN_SPLIT_PARTS <= parts <= MAX_SPLIT_PARTS:
        raise ValueError(f"a split has {MIN_SPLIT_PARTS} to {MAX_SPLIT_PARTS} parts")
    share, remainder = divmod(amount, parts)
    return [share + 1 if i < remainder else share for i in range(parts)]


def pro_rata(amount: int, part: int, whole: int) -> int:
    """`amount * part / whole`, halves up: the tax share of a part of an order's total."""
    if whole <= 0:
        return 0
    return (2 * amount * part + whole) // (2 * whole)
