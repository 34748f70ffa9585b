"""The service catalogue (`pos_kit.catalogue`) against everything else that names services.

Adding a service is a short list of edits (CONTRIBUTING.md); these checks fail when one
of them is missing, in either direction: a service somewhere (a folder, compose,
Kubernetes, the root pyproject, the gateway, the launcher) that the catalogue does not
list, or a catalogued service missing where it must be.

A service may also be deployed a second time in another role (the guest edge is the
gateway routing guest chat only): one package, two entries. What `python -m` runs
(`main_module`) is then what tells them apart, and the role's module must exist in the
package, with settings of the catalogue's port and prefix.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pos_kit.catalogue import CATALOGUE, ServiceEntry, Store, upstreams
from pos_kit.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]
NAMES = {service.name for service in CATALOGUE}


def built() -> list[ServiceEntry]:
    """The catalogued services whose code exists (a folder under services/)."""
    return [s for s in CATALOGUE if (REPO / "services" / s.name).is_dir()]


def roles() -> list[ServiceEntry]:
    """The catalogued deployments of another service's package in a role of their own."""
    return [s for s in CATALOGUE if s.module]


@pytest.fixture(scope="module")
def root_pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_names_ports_modules_prefixes_and_paths_are_unique() -> None:
    """Two entries may share a package (a role of it), never what they run or read: the
    same module twice is the same service, and a shared prefix would let one variable
    configure both."""
    for attribute in ("name", "main_module", "port", "env_prefix"):
        values = [getattr(s, attribute) for s in CATALOGUE]
        assert len(values) == len(set(values)), f"two services share a {attribute}: {values}"
    prefixes = [p for s in CATALOGUE for p in s.prefixes]
    assert len(prefixes) == len(set(prefixes)), f"a public path is catalogued twice: {prefixes}"


def test_every_service_folder_is_catalogued() -> None:
    folders = {p.name for p in (REPO / "services").iterdir() if p.is_dir()}
    assert folders <= NAMES, f"services/ holds uncatalogued services: {sorted(folders - NAMES)}"


@pytest.mark.parametrize("service", built(), ids=lambda s: s.name)
def test_a_built_service_is_what_the_catalogue_says(service: ServiceEntry) -> None:
    folder = REPO / "services" / service.name
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == service.distribution
    assert (folder / "src" / service.package / "__init__.py").is_file()
    settings = _settings_class(service.package)
    assert settings.model_fields["port"].default == service.port, "the catalogue's port"
    assert settings.model_config.get("env_prefix") == service.env_prefix
    has_alembic = (folder / "alembic.ini").is_file()
    assert has_alembic == (service.store is Store.POSTGRESQL), (
        f"{service.name}: a PostgreSQL store goes with an Alembic history, and only it"
    )


@pytest.mark.parametrize("role", roles(), ids=lambda s: s.name)
def test_a_role_runs_a_module_of_a_built_service(role: ServiceEntry) -> None:
    """A role has no code of its own: a module of a built service's package, runnable with
    `python -m`, whose settings class (the one subclass there of the package's) has the
    catalogue's port and prefix."""
    assert not (REPO / "services" / role.name).exists(), f"{role.name} is a role: no folder"
    owners = [s for s in built() if s.package == role.package and not s.module]
    assert len(owners) == 1, f"{role.name}: {role.package} is no built service's package"
    assert role.module.startswith(f"{role.package}."), f"{role.module} is not in {role.package}"
    module = importlib.import_module(role.module)
    source = inspect.getsource(module)
    assert 'if __name__ == "__main__":' in source, f"python -m {role.module} runs nothing"
    base = _settings_class(role.package)
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, base)
        and value.__module__ == module.__name__
    ]
    assert len(found) == 1, f"{role.module} holds one subclass of {base.__name__}"
    (settings,) = found
    assert settings.model_fields["port"].default == role.port, "the catalogue's port"
    assert settings.model_config.get("env_prefix") == role.env_prefix, "the catalogue's prefix"


def _settings_class(package: str) -> type[ServiceSettings]:
    config = importlib.import_module(f"{package}.config")
    found = [
        value
        for value in vars(config).values()
        if isinstance(value, type)
        and issubclass(value, ServiceSettings)
        and value.__module__ == config.__name__  # not the kit's bases it imports
    ]
    assert len(found) == 1, f"{package}.config holds one settings class"
    return found[0]


def _tools() -> dict[str, str]:
    """The workspace's tools (the launcher, the simulators): distribution -> package."""
    found = {}
    for pyproject in REPO.glob("tools/*/pyproject.toml"):
        name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
        found[name] = name.replace("-", "_")
    return found


def test_the_root_pyproject_installs_and_checks_every_built_service(root_pyproject) -> None:
    tools = _tools()
    others = {"pos-kit", *tools}
    distributions = {s.distribution for s in built()}
    packages = {s.package for s in built()}
    workspace = set(root_pyproject["project"]["dependencies"]) - others
    assert workspace == distributions, "[project] dependencies name the built services"
    sources = set(root_pyproject["tool"]["uv"]["sources"]) - others
    assert sources == distributions, "[tool.uv.sources] names the built services"
    first_party = root_pyproject["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    assert set(first_party) - {"pos_kit", *tools.values()} == packages, "isort first-party"
    service_paths = {p for p in root_pyproject["tool"]["mypy"]["mypy_path"] if "services/" in p}
    assert service_paths == {f"services/{s.name}/src" for s in built()}, "mypy_path"


def test_compose_runs_exactly_the_catalogued_services() -> None:
    import yaml

    compose = yaml.safe_load((REPO / "deploy/compose/compose.yaml").read_text(encoding="utf-8"))
    built_images = {
        name
        for name, spec in compose["services"].items()
        if "build" in spec and not name.endswith("-migrate")
    }
    assert built_images == NAMES, (
        f"compose builds {sorted(built_images)}, the catalogue lists {sorted(NAMES)}"
    )


def test_kubernetes_has_exactly_the_catalogued_services() -> None:
    folders = {p.name for p in (REPO / "deploy/k8s/services").iterdir() if p.is_dir()}
    assert folders == NAMES, (
        f"deploy/k8s/services has {sorted(folders)}, the catalogue lists {sorted(NAMES)}"
    )


def test_the_gateway_routes_exactly_the_catalogued_paths() -> None:
    from pos_gateway.routes import ROUTE_TABLE

    routed = {(route.prefix, route.service) for route in ROUTE_TABLE.routes}
    catalogued = {(prefix, s.name) for s in upstreams() for prefix in s.prefixes}
    assert routed == catalogued


def test_the_launcher_starts_the_catalogue() -> None:
    from pos_launcher.main import main

    assert inspect.signature(main).parameters["catalogue"].default is CATALOGUE


def test_the_layering_contracts_cover_every_built_service() -> None:
    spec = importlib.util.spec_from_file_location("layering", REPO / "tools/layering/check.py")
    assert spec is not None
    assert spec.loader is not None
    layering = importlib.util.module_from_spec(spec)
    sys.modules["layering"] = layering
    spec.loader.exec_module(layering)
    contracts = layering.contracts(layering.installed())
    for service in built():
        assert f"\n    {service.package}\n" in contracts + "\n", service.name
        if service.name != "gateway":
            assert f"[importlinter:contract:layers-{service.name}]" in contracts, service.name
