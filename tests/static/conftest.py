"""Fixtures of the static checks: the repository's services, as the code defines them.

The truth comes from the code, never from the manifests under test: the service
catalogue (`pos_kit.catalogue`: names, packages, ports, stores, settings prefixes,
roles), the service directories and their Dockerfiles, and each package's settings
prefix (its config.py, or the module a role runs).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from pos_kit.catalogue import CATALOGUE, Stage, Store
from pos_kit.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]
SERVICES_DIR = REPO / "services"

_ENV_PREFIX_RE = re.compile(r"""env_prefix\s*=\s*["'](POS_[A-Z0-9_]+_)["']""")


@dataclass(frozen=True)
class Service:
    """One deployable service: the gateway, the seven behind it and the guest edge.

    A role (the guest edge) is another deployment of a service's package: it has no
    folder or image of its own, runs `python -m <its module>` in that service's image
    and reads settings of its own prefix.
    """

    name: str  # as the catalogue, the gateway and the manifests name it: "pos-core"
    package: str
    port: int
    has_database: bool  # a PostgreSQL database of its own (chatbot: MongoDB; gateway: none)
    prefix: str  # its settings' environment prefix (the catalogue's env_prefix): "POS_CORE_"
    main_module: str  # what `python -m` runs: the package, or the module of its role
    home: str  # the folder under services/ that holds its code (a role: its package's)
    # The gateway's code in one of its roles (the gateway, the guest edge): published,
    # routes public paths to the others, and has no database, NATS or JWKS of its own.
    edge: bool
    background: bool  # work that can wait: lower priority, a budget of its own

    @property
    def is_role(self) -> bool:
        return self.main_module != self.package

    @property
    def database(self) -> str:
        return self.name.replace("-", "_")

    @property
    def directory(self) -> Path:
        return SERVICES_DIR / self.home

    @property
    def dockerfile(self) -> Path:
        return self.directory / "Dockerfile"

    @property
    def has_dockerfile(self) -> bool:
        return self.dockerfile.is_file()

    @property
    def image(self) -> str:
        """`pos-core`, `pos-auth`, ...: the image of its code (a role runs its package's)."""
        return f"pos-{self.home.removeprefix('pos-')}"

    def declared_env_prefix(self) -> str | None:
        """The env_prefix of its settings class, read from the source (None: no code yet).

        A service's settings are in its package's config.py, a role's in its module.
        """
        if self.is_role:
            sources = [self.directory / "src" / f"{self.main_module.replace('.', '/')}.py"]
        else:
            sources = list(self.directory.glob("src/pos_*/config.py"))
        for source in sources:
            if not source.is_file():
                continue
            match = _ENV_PREFIX_RE.search(source.read_text(encoding="utf-8"))
            if match:
                return match.group(1)
        return None

    def settings_class(self) -> type[ServiceSettings]:
        """Its settings class, imported: the one its package's config.py (a role: its
        module) defines."""
        module = importlib.import_module(
            self.main_module if self.is_role else f"{self.package}.config"
        )
        (found,) = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, ServiceSettings)
            and value.__module__ == module.__name__
        ]
        return found


@pytest.fixture(scope="session")
def services() -> dict[str, Service]:
    """Every service of the catalogue, the gateway and its roles included, by name."""
    homes = {entry.package: entry.name for entry in CATALOGUE if not entry.module}
    return {
        entry.name: Service(
            name=entry.name,
            package=entry.package,
            port=entry.port,
            has_database=entry.store is Store.POSTGRESQL,
            prefix=entry.env_prefix,
            main_module=entry.main_module,
            home=homes.get(entry.package, entry.name),
            edge=entry.stage is Stage.EDGE,
            background=entry.background,
        )
        for entry in CATALOGUE
    }


@pytest.fixture(scope="session")
def service_dirs() -> list[Path]:
    """The directories under services/ (each one a service, built or on its way)."""
    return sorted(p for p in SERVICES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def dockerfile_services(service_dirs: list[Path], services: dict[str, Service]) -> set[str]:
    """Services that can be built today: services/<dir>/Dockerfile exists (for a role:
    the Dockerfile of the service whose image it runs)."""
    own = {d.name for d in service_dirs if (d / "Dockerfile").is_file()}
    return own | {name for name, service in services.items() if service.has_dockerfile}
