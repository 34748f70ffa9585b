"""The two databases the kernel's SQL must behave the same on: PostgreSQL and a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pos_kit.testing.postgres import fresh_database


@pytest.fixture(scope="session", params=["postgresql", "sqlite"])
def backend_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of each backend (production's, then `make run`'s), shared by the modules
    that use it: each creates its own tables."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'service.db'}"
        return
    with fresh_database(prefix="pos_kit_kernel") as url:
        yield url
