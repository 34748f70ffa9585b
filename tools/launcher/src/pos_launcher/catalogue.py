"""Which services of the catalogue (`pos_kit.catalogue`) are installed in this venv."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass

from pos_kit.catalogue import CATALOGUE, ServiceEntry


@dataclass(frozen=True)
class InstalledService:
    """A row whose package can be run here (`python -m <package>`)."""

    spec: ServiceEntry
    has_migrations: bool

    @property
    def name(self) -> str:
        return self.spec.name


def _has_submodule(package_locations: Iterable[str], fullname: str) -> bool:
    # PathFinder looks at the files only: the service package is not imported into the launcher.
    return importlib.machinery.PathFinder.find_spec(fullname, list(package_locations)) is not None


def discover(
    catalogue: Iterable[ServiceEntry] = CATALOGUE,
) -> tuple[list[InstalledService], list[ServiceEntry]]:
    """Split the table into services that can run here and those that cannot (yet).

    A service counts once its package is importable and has a `__main__` module, so a package
    that is still a stub does not crash-loop; it has migrations when it has a `migrate` module.
    """
    installed: list[InstalledService] = []
    missing: list[ServiceEntry] = []
    for spec in catalogue:
        found = importlib.util.find_spec(spec.package)
        locations = found.submodule_search_locations if found else None
        runs = f"{spec.main_module}" if spec.module else f"{spec.package}.__main__"
        if locations is None or not _has_submodule(locations, runs):
            missing.append(spec)
            continue
        installed.append(
            InstalledService(spec, _has_submodule(locations, f"{spec.package}.migrate"))
        )
    return installed, missing
