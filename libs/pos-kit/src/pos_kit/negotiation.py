"""Content negotiation: which of the media types an endpoint offers the client prefers.

Reads an `Accept` header (RFC 9110, section 12.5.1) leniently: a malformed quality
value (`q=NaN`, `q=2`, `q=abc`) is ignored, as if it were not there, so a client's
typo never turns into an error. Wildcards match, the more specific range decides,
and among equally preferred types the endpoint's first offer wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# RFC 9110: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE = re.compile(r"^(0(\.\d{0,3})?|1(\.0{0,3})?)$")


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q" and _QVALUE.match(value.strip()):
                quality = float(value.strip())
        ranges.append((media.lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)  # (specificity, quality) of the closest range
    for media, quality in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        best = max(best, (specificity, quality), key=lambda found: found[0])
    return best[1]


def preferred_media_type(accept: str | None, offers: Sequence[str]) -> str:
    """The offer the client ranks highest; the first offer without an Accept header or on a tie."""
    if not offers:
        raise ValueError("an endpoint offers at least one media type")
    if not accept or not accept.strip():
        return offers[0]
    ranges = _ranges(accept)
    ranked = sorted(offers, key=lambda offer: -_quality(offer, ranges))  # stable: ties keep order
    return ranked[0]
