"""Where webhooks may point: public addresses only, checked after resolving the name."""

from __future__ import annotations

import ipaddress

import pytest

from pos_notification.adapters.resolver import HostNotFound
from pos_notification.domain.errors import UnsafeWebhookTarget
from pos_notification.domain.targets import TargetPolicy, address_refusal, parse_target
from pos_notification.use_cases.targets import vet_target

PRODUCTION = TargetPolicy(allow_loopback=False, allow_private=False)
LOCAL = TargetPolicy(allow_loopback=True, allow_private=True)


class FakeResolver:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    async def resolve(self, host: str, port: int) -> list:
        self.asked.append((host, port))
        if host not in self.answers:
            raise HostNotFound(host)
        return [ipaddress.ip_address(a) for a in self.answers[host]]


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "169.254.1.1",
        "fe80::1",
        "0.0.0.0",
        "0.1.2.3",
        "::",
        "224.0.0.1",
        "255.255.255.255",
        "::ffff:169.254.169.254",
    ],
)
def test_metadata_link_local_and_non_destinations_are_refused_always(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address), LOCAL) is not None
    assert address_refusal(ipaddress.ip_address(address), PRODUCTION) is not None


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "100.64.0.1",
        "fc00::1",
        "fd12:3456::1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        # Special-purpose ranges Python's `is_global` still calls global (issue 12):
        "fec0::1",  # deprecated site-local
        "192.88.99.1",  # deprecated 6to4 relay anycast
        "3fff::1",  # IPv6 documentation (RFC 9637)
        # ... and others of the IANA registries, in their plain and mapped forms:
        "192.0.2.1",
        "198.18.0.1",
        "2001:db8::1",
        "2001::1",  # Teredo
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
    ],
)
def test_private_networks_are_refused_in_production_only(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address), PRODUCTION) is not None
    assert address_refusal(ipaddress.ip_address(address), LOCAL) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.8.8", "::1", "::ffff:127.0.0.1"])
def test_loopback_only_where_the_configuration_allows_it(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address), PRODUCTION) is not None
    only_loopback = TargetPolicy(allow_loopback=True, allow_private=False)
    assert address_refusal(ipaddress.ip_address(address), only_loopback) is None


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_fine(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address), PRODUCTION) is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://example.com",
        "http://user:secret@example.com/",
        "http:///no-host",
        "http://example.com:99999/",
        "http://exa mple.com/",
        "http://example.com/#frag",
        "https://example.com/" + "x" * 2100,
    ],
)
def test_urls_we_will_not_call(url: str) -> None:
    with pytest.raises(UnsafeWebhookTarget):
        parse_target(url)


def test_a_url_keeps_its_port_path_and_query() -> None:
    target = parse_target("HTTPS://Hooks.Example.com:8443/pos/events?k=1")
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert target.path == "/pos/events?k=1"
    assert target.host_header == "hooks.example.com:8443"
    assert parse_target("http://[::1]/").host_header == "[::1]"


async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = FakeResolver({"sneaky.example.com": ["10.1.2.3"]})
    with pytest.raises(UnsafeWebhookTarget) as refused:
        await vet_target("https://sneaky.example.com/h", policy=PRODUCTION, resolver=resolver)
    assert "private" in refused.value.reason
    assert resolver.asked == [("sneaky.example.com", 443)]


async def test_one_bad_address_among_good_ones_is_enough_to_refuse() -> None:
    resolver = FakeResolver({"mixed.example.com": ["93.184.215.14", "169.254.169.254"]})
    with pytest.raises(UnsafeWebhookTarget):
        await vet_target("http://mixed.example.com/", policy=LOCAL, resolver=resolver)


async def test_a_public_name_is_vetted_with_its_addresses() -> None:
    resolver = FakeResolver({"hooks.example.com": ["93.184.215.14", "2606:4700::1"]})
    vetted = await vet_target(
        "http://hooks.example.com:8080/h", policy=PRODUCTION, resolver=resolver
    )
    assert [str(a) for a in vetted.addresses] == ["93.184.215.14", "2606:4700::1"]
    assert resolver.asked == [("hooks.example.com", 8080)]


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UnsafeWebhookTarget):
        await vet_target("http://nowhere.invalid/", policy=LOCAL, resolver=FakeResolver({}))


async def test_an_address_literal_needs_no_resolution() -> None:
    resolver = FakeResolver({})
    vetted = await vet_target("http://93.184.215.14/", policy=PRODUCTION, resolver=resolver)
    assert resolver.asked == []
    assert str(vetted.addresses[0]) == "93.184.215.14"
