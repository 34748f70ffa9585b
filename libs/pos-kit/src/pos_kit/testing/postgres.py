"""A fresh PostgreSQL database for a test session, built by the service's own migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from pos_kit.migrations import upgrade_head

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("POS_TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def admin_engine() -> sa.Engine:
    """A synchronous engine on the admin database, for CREATE and DROP DATABASE or ROLE."""
    url = make_url(admin_url()).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_database(
    prefix: str = "pos_test", alembic_ini: str | Path | None = None
) -> Iterator[str]:
    """Create a uniquely named database, migrate it to head, yield its URL, drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        if alembic_ini is not None:
            upgrade_head(alembic_ini, url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
