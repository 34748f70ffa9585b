"""Alembic environment for payment: its own tables, its own history."""

from pos_kit.migrations import run_env
from pos_payment.adapters.tables import Base
from pos_payment.config import PaymentSettings

run_env(Base.metadata, PaymentSettings().database_url)
