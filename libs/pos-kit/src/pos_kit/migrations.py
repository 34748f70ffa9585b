"""Alembic helpers: each service keeps its own history and calls these from env.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from pos_kit.db import async_url


def alembic_config(ini_path: str | Path, database_url: str) -> Config:
    cfg = Config(str(ini_path))
    cfg.set_main_option("script_location", str(Path(ini_path).parent / "migrations"))
    # Percent signs in a URL would be read as interpolation by configparser.
    cfg.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    return cfg


def locate_alembic_ini(configured: str | None, migrate_module_file: str) -> Path:
    """A service's alembic.ini: the configured one, the one its wheel carries, or the source tree's.

    Each service's wheel force-includes `alembic.ini` and `migrations/` beside its package,
    so an installed image migrates without the sources; in the source tree the file sits
    two levels above `src/pos_<name>/migrate.py`.
    """
    if configured:
        return Path(configured)
    package_dir = Path(migrate_module_file).resolve().parent
    for candidate in (package_dir / "alembic.ini", package_dir.parents[1] / "alembic.ini"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no alembic.ini beside {package_dir} nor in its source tree")


def upgrade_head(ini_path: str | Path, database_url: str) -> None:
    command.upgrade(alembic_config(ini_path, database_url), "head")


def run_env(target_metadata: MetaData, default_url: str) -> None:
    """The whole body of a service's migrations/env.py."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or async_url(default_url)

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    async def run_online() -> None:
        engine = async_engine_from_config(
            {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run_online())
