"""`python -m pos_core.migrate`: bring pos-core's database to the latest schema."""

from __future__ import annotations

from pathlib import Path

from pos_core.config import CoreSettings
from pos_kit.migrations import upgrade_head

_PACKAGE = Path(__file__).resolve().parent
# In the source tree the history sits beside src/; a built wheel carries it in the package.
ALEMBIC_INI = next(
    (
        candidate
        for candidate in (_PACKAGE.parents[1] / "alembic.ini", _PACKAGE / "alembic.ini")
        if candidate.exists()
    ),
    _PACKAGE.parents[1] / "alembic.ini",
)


def main() -> None:
    upgrade_head(ALEMBIC_INI, CoreSettings().database_url)


if __name__ == "__main__":
    main()
