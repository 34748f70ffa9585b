"""Cash rounding, even splits and tax shares: exact to the minor unit."""

from __future__ import annotations

import pytest

from pos_payment.domain.money import pro_rata, round_to_unit, split_evenly


@pytest.mark.parametrize(
    ("amount", "unit", "rounded"),
    [
        (2130, 5, 2130),
        (2131, 5, 2130),
        (2132, 5, 2130),
        (2133, 5, 2135),
        (2134, 5, 2135),
        (2135, 5, 2135),
        (1249, 1, 1249),
        (1249, 10, 1250),
        (1244, 10, 1240),
        (1245, 10, 1250),  # a half goes up
        (49, 100, 0),
        (50, 100, 100),
    ],
)
def test_rounding_to_the_nearest_unit_halves_up(amount: int, unit: int, rounded: int) -> None:
    assert round_to_unit(amount, unit) == rounded


def test_a_unit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        round_to_unit(100, 0)


@pytest.mark.parametrize(
    ("amount", "parts", "shares"),
    [
        (6135, 3, [2045, 2045, 2045]),
        (1000, 3, [334, 333, 333]),
        (1001, 4, [251, 250, 250, 250]),
        (1, 2, [1, 0]),
        (0, 2, [0, 0]),
    ],
)
def test_a_split_sums_exactly_and_the_first_parts_carry_the_remainder(
    amount: int, parts: int, shares: list[int]
) -> None:
    assert split_evenly(amount, parts) == shares
    assert sum(shares) == amount


@pytest.mark.parametrize("parts", [1, 51])
def test_a_split_has_two_to_fifty_parts(parts: int) -> None:
    with pytest.raises(ValueError, match="2 to 50"):
        split_evenly(1000, parts)


def test_a_tax_share_is_in_proportion_halves_up() -> None:
    assert pro_rata(182, 1000, 2000) == 91
    assert pro_rata(100, 1, 3) == 33
    assert pro_rata(100, 1, 200) == 1  # 0.5 goes up
    assert pro_rata(558, 6135, 6135) == 558
    assert pro_rata(10, 5, 0) == 0
