"""The one table of services `make run` knows, and which of them are installed in this venv."""

from __future__ import annotations

import enum
import importlib.machinery
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass


class Stage(enum.IntEnum):
    """When a service starts. Stages start in order; the services of one stage start together."""

    IDENTITY = 0  # auth: every other service verifies tokens against its JWKS
    DOMAIN = 1
    EDGE = 2  # the gateway: routes to all the others, so it comes up last


@dataclass(frozen=True)
class ServiceSpec:
    """One row of the table: how to run a service and where it listens by default."""

    name: str
    package: str
    default_port: int
    stage: Stage = Stage.DOMAIN
    has_store: bool = True
    readiness_path: str = "/readyz"

    @property
    def env_prefix(self) -> str:
        """`pos_core` -> `POS_CORE_`: the prefix of the service's own settings class."""
        return f"POS_{self.package.removeprefix('pos_').upper()}_"

    @property
    def upstream_env(self) -> str:
        """`pos-core` -> `POS_CORE`: the part of the gateway's `POS_GATEWAY_<X>_URL` setting."""
        return self.name.upper().replace("-", "_")


CATALOGUE: tuple[ServiceSpec, ...] = (
    ServiceSpec("auth", "pos_auth", 8001, stage=Stage.IDENTITY),
    ServiceSpec("pos-core", "pos_core", 8002),
    ServiceSpec("inventory", "pos_inventory", 8003),
    ServiceSpec("payment", "pos_payment", 8004),
    ServiceSpec("restaurant", "pos_restaurant", 8005),
    ServiceSpec("chatbot", "pos_chatbot", 8006),
    ServiceSpec("notification", "pos_notification", 8007),
    ServiceSpec("gateway", "pos_gateway", 8000, stage=Stage.EDGE, has_store=False),
)


@dataclass(frozen=True)
class InstalledService:
    """A row whose package can be run here (`python -m <package>`)."""

    spec: ServiceSpec
    has_migrations: bool

    @property
    def name(self) -> str:
        return self.spec.name


def _has_submodule(package_locations: Iterable[str], fullname: str) -> bool:
    # PathFinder looks at the files only: the service package is not imported into the launcher.
    return importlib.machinery.PathFinder.find_spec(fullname, list(package_locations)) is not None


def discover(
    catalogue: Iterable[ServiceSpec] = CATALOGUE,
) -> tuple[list[InstalledService], list[ServiceSpec]]:
    """Split the table into services that can run here and those that cannot (yet).

    A service counts once its package is importable and has a `__main__` module, so a package
    that is still a stub does not crash-loop; it has migrations when it has a `migrate` module.
    """
    installed: list[InstalledService] = []
    missing: list[ServiceSpec] = []
    for spec in catalogue:
        found = importlib.util.find_spec(spec.package)
        locations = found.submodule_search_locations if found else None
        if locations is None or not _has_submodule(locations, f"{spec.package}.__main__"):
            missing.append(spec)
            continue
        installed.append(
            InstalledService(spec, _has_submodule(locations, f"{spec.package}.migrate"))
        )
    return installed, missing
