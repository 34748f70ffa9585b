"""Alembic environment for notification: its own tables, its own history."""

from pos_kit.migrations import run_env
from pos_notification.adapters.tables import Base
from pos_notification.config import NotificationSettings

run_env(Base.metadata, NotificationSettings().database_url)
