"""`python -m pos_auth.migrate`: bring auth's database to the latest schema."""

from __future__ import annotations

from pathlib import Path

from pos_auth.config import AuthSettings
from pos_kit.migrations import upgrade_head

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def main() -> None:
    upgrade_head(ALEMBIC_INI, AuthSettings().database_url)


if __name__ == "__main__":
    main()
