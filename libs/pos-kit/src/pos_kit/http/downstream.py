"""`DownstreamClient`: the base of a service's adapter for one other service.

An adapter owns what is particular to its downstream (its paths, the parts of its answers
the caller reads, how a refusal is worded); this base owns what every adapter has: the
`ResilientClient` it calls through, built from the service's settings, closed at shutdown,
and the 503 for an answer the caller cannot use.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pos_kit.http.client import ResilientClient
from pos_kit.http.errors import DownstreamUnavailable


class DownstreamClient:
    # The downstream's name as the catalogue and the settings fields name it ("pos-core").
    downstream: ClassVar[str]

    def __init__(self, http: ResilientClient) -> None:
        self.http = http

    @classmethod
    def from_settings(cls, settings: object) -> Self:
        """See `ResilientClient.for_downstream` for the settings fields it reads."""
        return cls(ResilientClient.for_downstream(cls.downstream, settings))

    async def aclose(self) -> None:
        await self.http.aclose()

    def unusable(self, why: str, *, reason: str) -> DownstreamUnavailable:
        """A 503 for an answer the caller cannot use: `why` follows the downstream's name
        ("answered 500 for the menu"), `reason` is the machine-readable kind."""
        return DownstreamUnavailable(
            self.downstream,
            f"{self.downstream} {why}.",
            reason=reason,
            retry_after_seconds=self.http.policy.retry_after_seconds,
        )
