"""Fixtures of the static checks: the repository's services, as the code defines them.

The truth comes from the code, never from the manifests under test: the service
catalogue (`pos_kit.catalogue`: names, packages, ports, stores), the service
directories and their Dockerfiles, and each package's settings prefix (its config.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from pos_kit.catalogue import CATALOGUE, Store

REPO = Path(__file__).resolve().parents[2]
SERVICES_DIR = REPO / "services"

_ENV_PREFIX_RE = re.compile(r"""env_prefix\s*=\s*["'](POS_[A-Z0-9_]+_)["']""")


def prefix_for(package: str) -> str:
    """`pos_core` -> `POS_CORE_`: the prefix every service's settings class uses."""
    return "POS_" + package.removeprefix("pos_").upper() + "_"


@dataclass(frozen=True)
class Service:
    """One deployable service: the gateway and the seven behind it."""

    name: str  # as the catalogue, the gateway and the manifests name it: "pos-core"
    package: str
    port: int
    has_database: bool  # a PostgreSQL database of its own (chatbot: MongoDB; gateway: none)

    @property
    def prefix(self) -> str:
        return prefix_for(self.package)

    @property
    def database(self) -> str:
        return self.name.replace("-", "_")

    @property
    def directory(self) -> Path:
        return SERVICES_DIR / self.name

    @property
    def dockerfile(self) -> Path:
        return self.directory / "Dockerfile"

    @property
    def has_dockerfile(self) -> bool:
        return self.dockerfile.is_file()

    def declared_env_prefix(self) -> str | None:
        """The env_prefix of its settings class, read from the source (None: no code yet)."""
        for config in self.directory.glob("src/pos_*/config.py"):
            match = _ENV_PREFIX_RE.search(config.read_text(encoding="utf-8"))
            if match:
                return match.group(1)
        return None


@pytest.fixture(scope="session")
def services() -> dict[str, Service]:
    """Every service of the catalogue, the gateway included, by name."""
    return {
        entry.name: Service(
            name=entry.name,
            package=entry.package,
            port=entry.port,
            has_database=entry.store is Store.POSTGRESQL,
        )
        for entry in CATALOGUE
    }


@pytest.fixture(scope="session")
def service_dirs() -> list[Path]:
    """The directories under services/ (each one a service, built or on its way)."""
    return sorted(p for p in SERVICES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def dockerfile_services(service_dirs: list[Path]) -> set[str]:
    """Services that can be built today: services/<dir>/Dockerfile exists."""
    return {d.name for d in service_dirs if (d / "Dockerfile").is_file()}
