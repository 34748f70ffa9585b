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
    assert sorted(s.port for s in CATALOGUE) == list(range(8000, 8008))


def test_auth_starts_first_and_the_gateway_last() -> None:
    stages = {s.name: s.stage for s in CATALOGUE}

    assert [n for n, st in stages.items() if st is Stage.IDENTITY] == ["auth"]
    assert [n for n, st in stages.items() if st is Stage.EDGE] == ["gateway"]


def test_discovery_skips_absent_packages_and_stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FAKES))
    table = (
        ServiceEntry("auth", "fake_auth", 1),
        ServiceEntry("stub", "fake_stub", 2),
        ServiceEntry("absent", "fake_not_there", 3),
        ServiceEntry("gateway", "fake_gateway", 4),
    )

    installed, missing = discover(table)

    assert [(s.name, s.has_migrations) for s in installed] == [
        ("auth", True),
        ("gateway", False),
    ]
    assert [s.name for s in missing] == ["stub", "absent"]
