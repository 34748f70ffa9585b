"""The catalogue of services: one entry per deployable, nothing claimed twice."""

from __future__ import annotations

import pytest

from pos_kit.catalogue import CATALOGUE, Stage, Store, entry, upstreams


def test_an_entry_by_name() -> None:
    core = entry("pos-core")

    assert (core.package, core.port) == ("pos_core", 8002)
    assert "/api/v1/orders" in core.prefixes
    assert core.env_prefix == "POS_CORE_"
    assert core.upstream_env == "POS_CORE"
    assert core.distribution == "pos-core"
    assert entry("inventory").env_prefix == "POS_INVENTORY_"
    assert entry("inventory").upstream_env == "INVENTORY"


def test_a_service_it_does_not_list_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no service 'kitchen'"):
        entry("kitchen")


def test_names_packages_ports_and_prefixes_are_each_claimed_once() -> None:
    prefixes = [prefix for service in CATALOGUE for prefix in service.prefixes]

    for values in (
        [s.name for s in CATALOGUE],
        [s.main_module for s in CATALOGUE],  # a role shares its package, not its module
        [s.port for s in CATALOGUE],
        [s.env_prefix for s in CATALOGUE],
        prefixes,
    ):
        assert len(values) == len(set(values)), values
    assert all(prefix.startswith("/") and not prefix.endswith("/") for prefix in prefixes)


def test_every_package_follows_its_name() -> None:
    for service in CATALOGUE:
        if service.module:
            continue  # a role of another service's package (below)
        assert service.package == "pos_" + service.name.removeprefix("pos-").replace("-", "_")
        assert service.distribution == f"pos-{service.name.removeprefix('pos-')}"


def test_a_role_runs_a_module_of_a_catalogued_package_with_settings_of_its_own() -> None:
    roles = [service for service in CATALOGUE if service.module]
    packages = {service.package for service in CATALOGUE if not service.module}

    assert [role.name for role in roles] == ["guest-edge"]
    for role in roles:
        assert role.package in packages
        assert role.main_module.startswith(f"{role.package}.")
        assert role.env_prefix != f"POS_{role.package.removeprefix('pos_').upper()}_"


def test_auth_starts_first_and_the_gateway_last_in_front_of_the_rest() -> None:
    stages = {service.name: service.stage for service in CATALOGUE}
    gateway = entry("gateway")

    assert [name for name, stage in stages.items() if stage is Stage.IDENTITY] == ["auth"]
    # The gateway, and the guests' edge (the gateway's package routing guest chat only).
    assert [name for name, stage in stages.items() if stage is Stage.EDGE] == [
        "gateway",
        "guest-edge",
    ]
    assert gateway.store is None
    assert gateway not in upstreams()
    assert upstreams()
    assert all(service.prefixes for service in upstreams())
    assert entry("chatbot").store is Store.MONGODB
