"""Where a webhook may point: http(s) to a public address; never into our own network.

A tenant chooses the URL, and the request leaves from inside our network, so an
unchecked URL would let a tenant reach internal services or the cloud metadata
endpoint (server-side request forgery). Every address a name resolves to is
checked, at registration and again right before each delivery, because the name
may resolve elsewhere by then (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from pos_notification.domain.errors import UnsafeWebhookTarget

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000

# Cloud instance metadata endpoints; refused whatever the configuration says.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
# 0.0.0.0/8: "this host on this network"; Linux even connects 0.0.0.0 to itself.
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
# Not globally reachable, by the IANA special-purpose registries, though Python's
# `is_global` (its copy of them) says they are: deprecated site-local IPv6 (RFC 3879),
# the deprecated 6to4 relay anycast (RFC 7526), IPv6 documentation (RFC 9637).
_NOT_GLOBAL_BEYOND_PYTHON = tuple(
    ipaddress.ip_network(n) for n in ("fec0::/10", "192.88.99.0/24", "3fff::/20")
)


@dataclass(frozen=True)
class TargetPolicy:
    allow_loopback: bool
    allow_private: bool


@dataclass(frozen=True)
class WebhookTarget:
    """A parsed webhook URL."""

    url: str
    scheme: str
    host: str  # a name, or an address without brackets
    port: int
    path: str  # path and query, as given

    @property
    def literal_address(self) -> IPAddress | None:
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> WebhookTarget:
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeWebhookTarget(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise UnsafeWebhookTarget("The URL may not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeWebhookTarget(f"The URL is not valid: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeWebhookTarget("Only http:// and https:// URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeWebhookTarget(
            "Put no credentials in the URL; check the X-POS-Signature header instead."
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeWebhookTarget("The URL names no host.")
    if parts.fragment:
        raise UnsafeWebhookTarget("The URL may not have a #fragment.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return WebhookTarget(
        url=url,
        scheme=scheme,
        host=host,
        port=port if port is not None else (443 if scheme == "https" else 80),
        path=path,
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, compatible, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in ipaddress.ip_network("::/96") and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress, policy: TargetPolicy) -> str | None:
    """Why we will not call this address, or None when we will."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_refusal(embedded, policy)
        if address.scope_id:
            address = ipaddress.IPv6Address(str(address).split("%")[0])
    if address in METADATA_ADDRESSES:
        return f"{address} is a cloud metadata address."
    if address.is_unspecified or address in _THIS_NETWORK:
        return f"{address} is not a destination."
    if address.is_link_local:
        return f"{address} is a link-local address."
    if address.is_multicast:
        return f"{address} is a multicast address."
    if address.is_loopback:
        return None if policy.allow_loopback else f"{address} is a loopback address."
    if address.is_reserved:  # includes 255.255.255.255
        return f"{address} is a reserved address."
    if not address.is_global or any(address in n for n in _NOT_GLOBAL_BEYOND_PYTHON):
        # RFC 1918, unique-local fc00::/7, carrier-grade NAT, documentation ranges...
        return None if policy.allow_private else f"{address} is a private network address."
    return None


def refusal_for_addresses(addresses: list[IPAddress], policy: TargetPolicy) -> str | None:
    """A name is only as safe as the worst address it resolves to."""
    if not addresses:
        return "The host name does not resolve to any address."
    for address in addresses:
        reason = address_refusal(address, policy)
        if reason is not None:
            return reason
    return None
