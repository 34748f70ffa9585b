"""Content negotiation: a lenient reading of Accept that never fails a request."""

from __future__ import annotations

import pytest

from pos_kit.negotiation import preferred_media_type

JSON, TEXT, HTML = "application/json", "text/plain", "text/html"
RECEIPT = (JSON, TEXT)  # what a receipt endpoint offers, its default first


@pytest.mark.parametrize("accept", [None, "", "   "])
def test_without_a_preference_the_first_offer(accept: str | None) -> None:
    assert preferred_media_type(accept, RECEIPT) == JSON


@pytest.mark.parametrize(
    ("accept", "preferred"),
    [
        (TEXT, TEXT),
        ("TEXT/Plain", TEXT),
        (f"{TEXT};q=0.4, {JSON};q=0.5", JSON),
        (f"{JSON};q=0, {TEXT}", TEXT),
        (f"{JSON};q=0.001, {TEXT};q=0.0", JSON),
        (f"{JSON} ; q=0.2 , {TEXT} ; Q=0.9", TEXT),
    ],
)
def test_the_highest_quality_wins(accept: str, preferred: str) -> None:
    assert preferred_media_type(accept, RECEIPT) == preferred


@pytest.mark.parametrize("malformed", ["NaN", "2", "abc", "1e400", "-1", "1.0001", "0.0000", ""])
def test_a_malformed_quality_is_ignored_as_if_absent(malformed: str) -> None:
    # q=0.5 for JSON; TEXT's malformed quality counts as the default 1, so TEXT wins.
    accept = f"{JSON};q=0.5, {TEXT};q={malformed}"

    assert preferred_media_type(accept, RECEIPT) == TEXT


@pytest.mark.parametrize(
    "accept", [",,,", ";;", "text/plain;q", ";q=1", "*/*;q=0.5;;", "\x00", "a/b/c;q=1"]
)
def test_rubbish_never_raises(accept: str) -> None:
    assert preferred_media_type(accept, RECEIPT) in RECEIPT


def test_wildcards_match_and_the_more_specific_range_decides() -> None:
    assert preferred_media_type("*/*", RECEIPT) == JSON
    assert preferred_media_type("text/*", RECEIPT) == TEXT
    # text/plain is named at 0.2: the */* at 0.8 does not lift it.
    assert preferred_media_type(f"{TEXT};q=0.2, */*;q=0.8", RECEIPT) == JSON
    # text/html has only text/* (0.1); application/json has */* (0.5); text/plain 0.9.
    accept = f"text/*;q=0.1, {TEXT};q=0.9, */*;q=0.5"
    assert preferred_media_type(accept, (HTML, JSON, TEXT)) == TEXT
    assert preferred_media_type(accept, (HTML, JSON)) == JSON


def test_a_tie_keeps_the_endpoints_first_offer() -> None:
    assert preferred_media_type(f"{TEXT}, {JSON}", RECEIPT) == JSON
    assert preferred_media_type(f"{JSON}, {TEXT}", (TEXT, JSON)) == TEXT
    assert preferred_media_type("*/*", (HTML, TEXT, JSON)) == HTML


def test_an_endpoint_offers_something() -> None:
    with pytest.raises(ValueError, match="at least one"):
        preferred_media_type(JSON, ())
