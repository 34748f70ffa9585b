"""`python -m pos_auth.keys_cli rotate`: rotate the signing key now (operators' tool)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from pos_auth.config import AuthSettings
from pos_auth.use_cases.keys import KeyRing
from pos_kit.db import Database
from pos_kit.logging import configure_logging


async def _rotate(settings: AuthSettings) -> str:
    database = Database(settings.database_url)
    try:
        ring = KeyRing(
            database,
            rotation_age=timedelta(days=settings.key_rotation_days),
            overlap=timedelta(seconds=settings.key_overlap_seconds),
        )
        return (await ring.rotate(reason="operator")).kid
    finally:
        await database.dispose()


def main(argv: list[str]) -> int:
    if argv != ["rotate"]:
        print("usage: python -m pos_auth.keys_cli rotate", file=sys.stderr)
        return 2
    settings = AuthSettings()
    configure_logging(settings.service_name, settings.log_level)
    print(asyncio.run(_rotate(settings)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
