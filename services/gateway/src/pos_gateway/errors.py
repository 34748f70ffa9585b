"""The gateway's own answers when an upstream fails: 502 and 504 (503 comes from pos-kit)."""

from __future__ import annotations

from pos_kit.errors import ProblemError


class BadGateway(ProblemError):
    """The upstream answered with something that is not a valid HTTP response, or hung up."""

    status = 502
    type_slug = "bad-gateway"
    title = "Bad gateway"


class GatewayTimeout(ProblemError):
    """The upstream took longer than the gateway's read timeout to start answering."""

    status = 504
    type_slug = "gateway-timeout"
    title = "Upstream timed out"
