"""`make layering`: import-linter's contracts, made from the service catalogue, then checked.

The rules (docs/architecture.md): no service imports another, pos-kit imports no
service, a service's domain imports no framework, and each service's layers import
only downwards (api -> use_cases -> adapters -> domain). They are written once here
for every service the catalogue lists and this venv has installed, so a new service
is covered the moment it exists.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from importlinter.cli import lint_imports

from pos_kit.catalogue import CATALOGUE, ServiceEntry

LAYERS = ("api", "use_cases", "adapters", "domain")
REPO = Path(__file__).resolve().parents[2]
# The workspace's tools (launcher, simulators): run beside the services, import none of them.
TOOLS = tuple(sorted(p.parent.name for p in REPO.glob("tools/*/src/*/__init__.py")))
# What a domain may not import: frameworks, I/O, and pos-kit's framework-bound parts.
DOMAIN_FORBIDDEN = (
    "fastapi", "starlette", "sqlalchemy", "httpx", "nats", "pydantic", "pydantic_settings",
    "argon2", "jwt", "structlog", "prometheus_client",
    "pos_kit.problem_details", "pos_kit.db", "pos_kit.events", "pos_kit.http",
    "pos_kit.security", "pos_kit.repository", "pos_kit.uow",
)  # fmt: skip


def installed(catalogue: Iterable[ServiceEntry] = CATALOGUE) -> list[ServiceEntry]:
    return [s for s in catalogue if importlib.util.find_spec(s.package) is not None]


def _layered(service: ServiceEntry) -> bool:
    return all(
        importlib.util.find_spec(f"{service.package}.{layer}") is not None for layer in LAYERS
    )


def contracts(services: list[ServiceEntry]) -> str:
    """The import-linter configuration (INI) for `services`."""
    packages = [s.package for s in services]
    layered = [s for s in services if _layered(s)]

    def lines(names: Iterable[str]) -> str:
        return "".join(f"\n    {name}" for name in names)

    sections = [
        "[importlinter]",
        f"root_packages = pos_kit{lines([*packages, *TOOLS])}",
        "include_external_packages = True",
        "",
        "[importlinter:contract:independence]",
        "name = No service imports another; tools import no service",
        "type = independence",
        f"modules ={lines([*packages, *TOOLS])}",
        "",
        "[importlinter:contract:kit]",
        "name = pos-kit is infrastructure: it imports no service",
        "type = forbidden",
        "source_modules = pos_kit",
        f"forbidden_modules ={lines([*packages, *TOOLS])}",
        "",
        "[importlinter:contract:domains]",
        "name = A service's domain imports no framework and does no I/O",
        "type = forbidden",
        f"source_modules ={lines(f'{s.package}.domain' for s in layered)}",
        f"forbidden_modules ={lines(DOMAIN_FORBIDDEN)}",
    ]
    for service in layered:
        sections += [
            "",
            f"[importlinter:contract:layers-{service.name}]",
            f"name = {service.name} is layered: {' -> '.join(LAYERS)}",
            "type = layers",
            f"layers ={lines(f'{service.package}.{layer}' for layer in LAYERS)}",
        ]
    return "\n".join(sections) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="pos-layering-") as folder:
        config = Path(folder) / ".importlinter"
        config.write_text(contracts(installed()), encoding="utf-8")
        return lint_imports(config_filename=str(config), no_cache=True)


if __name__ == "__main__":
    sys.exit(main())
