"""Fixtures of the static checks: the repository's services, as the code defines them.

The truth comes from the code, never from the manifests under test: the service
directories and their Dockerfiles, each package's settings prefix (its config.py), and
the ports the gateway expects each service on (GatewaySettings' defaults).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES_DIR = REPO / "services"

_ENV_PREFIX_RE = re.compile(r"""env_prefix\s*=\s*["'](POS_[A-Z0-9_]+_)["']""")


def package_for(service: str) -> str:
    """`pos-core` -> `pos_core`, `auth` -> `pos_auth` (ARCHITECTURE section 4)."""
    return "pos_" + service.removeprefix("pos-").replace("-", "_")


def prefix_for(package: str) -> str:
    """`pos_core` -> `POS_CORE_`: the settings prefix every service's config class uses."""
    return "POS_" + package.removeprefix("pos_").upper() + "_"


@dataclass(frozen=True)
class Service:
    """One deployable service: the gateway and the seven behind it."""

    name: str  # as the route table and the gateway settings name it: "pos-core"
    port: int  # where the gateway expects it (GatewaySettings defaults)
    has_database: bool  # a PostgreSQL database of its own (chatbot: MongoDB; gateway: none)

    @property
    def package(self) -> str:
        return package_for(self.name)

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


# Which services keep their own PostgreSQL database (ARCHITECTURE section 1).
_WITHOUT_POSTGRES = frozenset({"gateway", "chatbot"})


def _gateway_defaults() -> dict[str, int]:
    from pos_gateway.config import GatewaySettings

    # The declared defaults, not GatewaySettings(): the environment must not change them.
    fields = GatewaySettings.model_fields
    ports = {"gateway": int(fields["port"].default)}
    for name in GatewaySettings.model_construct().upstream_urls():
        url = fields[f"{name.replace('-', '_')}_url"].default
        port = urlsplit(url).port
        assert port is not None, f"GatewaySettings.{name}_url has no port: {url}"
        ports[name] = port
    return ports


@pytest.fixture(scope="session")
def services() -> dict[str, Service]:
    """Every service the gateway knows, plus the gateway, by name."""
    return {
        name: Service(name=name, port=port, has_database=name not in _WITHOUT_POSTGRES)
        for name, port in _gateway_defaults().items()
    }


@pytest.fixture(scope="session")
def service_dirs() -> list[Path]:
    """The directories under services/ (each one a service, built or on its way)."""
    return sorted(p for p in SERVICES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture(scope="session")
def dockerfile_services(service_dirs: list[Path]) -> set[str]:
    """Services that can be built today: services/<dir>/Dockerfile exists."""
    return {d.name for d in service_dirs if (d / "Dockerfile").is_file()}
