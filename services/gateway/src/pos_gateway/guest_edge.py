"""`python -m pos_gateway.guest_edge`: the guest edge, the gateway in the role of the guests'
way in (docs/adr/0006-guest-edge.md).

Guests chat from their phones in bursts no restaurant controls; the chatbot already has a
bulkhead and rate limits, but every question (answered or turned away) still crosses the
edge, and on the gateway that staff use, 200 guests asking at once delayed waiters' orders
(order p99 2.2x in the isolation benchmark). So guest chat has an edge of its own: the same
code, routing the chatbot's paths only, configured by `POS_GUEST_EDGE_*` variables, run in
its own process at background priority (`make run`) or its own Deployment (Kubernetes).
Guest links point at it (the restaurant's `guest_link_base_url`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import NoDecode, SettingsConfigDict

from pos_gateway.config import GatewaySettings
from pos_gateway.main import run


class GuestEdgeSettings(GatewaySettings):
    model_config = SettingsConfigDict(env_prefix="POS_GUEST_EDGE_", extra="ignore", env_file=None)

    service_name: str = "guest-edge"
    port: int = 8008
    routes_to: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["chatbot"],
        description="The upstream services routed: the chatbot (guest chat) only.",
    )


def main() -> None:
    run(GuestEdgeSettings())


if __name__ == "__main__":
    main()
