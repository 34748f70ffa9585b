"""Which services run: those installed with a `__main__`; migrations where `migrate` exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_kit.catalogue import CATALOGUE, ServiceEntry, Stage
from pos_launcher.catalogue import discover

FAKES = Path(__file__).parent / "fakes"


def test_every_service_has_its_settings_prefix_and_gateway_name() -> None:
    prefixes = {s.name: (s.env_prefix, s.upstream_env) for s in CATALOGUE}

    assert prefixes["auth"] == ("POS_AUTH_", "AUTH")
    assert prefixes["pos-core"] == ("POS_CORE_", "POS_CORE")
    assert prefixes["gateway"] == ("POS_GATEWAY_", "GATEWAY")
    # The gateway's package in the guests' role reads settings of its own.
    assert prefixes["guest-edge"] == ("POS_GUEST_EDGE_", "GUEST_EDGE")
    assert sorted(s.port for s in CATALOGUE) == list(range(8000, 8009))


def test_auth_starts_first_and_the_edges_last() -> None:
    stages = {s.name: s.stage for s in CATALOGUE}

    assert [n for n, st in stages.items() if st is Stage.IDENTITY] == ["auth"]
    assert [n for n, st in stages.items() if st is Stage.EDGE] == ["gateway", "guest-edge"]


def test_guest_chat_and_its_edge_run_in_the_background_and_order_taking_does_not() -> None:
    background = {s.name for s in CATALOGUE if s.background}

    assert background == {"chatbot", "guest-edge"}


def test_discovery_skips_absent_packages_and_stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FAKES))
    table = (
        ServiceEntry("auth", "fake_auth", 1),
        ServiceEntry("stub", "fake_stub", 2),
        ServiceEntry("absent", "fake_not_there", 3),
        ServiceEntry("gateway", "fake_gateway", 4),
        # Another role of an installed package: it runs when its module exists.
        ServiceEntry("gateway-role", "fake_gateway", 5, module="fake_gateway.__main__"),
        ServiceEntry("no-such-role", "fake_gateway", 6, module="fake_gateway.not_there"),
    )

    installed, missing = discover(table)

    assert [(s.name, s.has_migrations) for s in installed] == [
        ("auth", True),
        ("gateway", False),
        ("gateway-role", False),
    ]
    assert [s.name for s in missing] == ["stub", "absent", "no-such-role"]
