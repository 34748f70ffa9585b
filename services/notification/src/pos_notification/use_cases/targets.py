"""Vetting a webhook URL: parse it, resolve its host, and check every address it names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pos_notification.adapters.resolver import HostNotFound
from pos_notification.domain.errors import UnsafeWebhookTarget
from pos_notification.domain.targets import (
    IPAddress,
    TargetPolicy,
    WebhookTarget,
    parse_target,
    refusal_for_addresses,
)


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[IPAddress]: ...


@dataclass(frozen=True)
class VettedTarget:
    target: WebhookTarget
    # Every address the host resolved to, all of them allowed; connect to one of these.
    addresses: list[IPAddress]


async def vet_target(url: str, *, policy: TargetPolicy, resolver: Resolver) -> VettedTarget:
    """The target and its allowed addresses; `UnsafeWebhookTarget` (422) otherwise."""
    target = parse_target(url)
    literal = target.literal_address
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await resolver.resolve(target.host, target.port)
        except HostNotFound as exc:
            raise UnsafeWebhookTarget(f"{target.host} does not resolve to an address.") from exc
    reason = refusal_for_addresses(addresses, policy)
    if reason is not None:
        raise UnsafeWebhookTarget(f"{reason} Webhooks may only call public addresses.")
    return VettedTarget(target=target, addresses=addresses)
