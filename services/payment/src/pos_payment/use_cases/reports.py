"""The daily sales report, added up from the ledger for the restaurant's business day."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import (
    DrawerRepository,
    LedgerRepository,
    OrderRepository,
    RestaurantSettingsRepository,
)
from pos_payment.domain.ledger import EntryKind
from pos_payment.domain.reports import DailySales, business_day, daily_sales


class Reports:
    async def daily_sales(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, day: date) -> DailySales:
        known = await RestaurantSettingsRepository(uow.session).get(tenant_id=tenant_id)
        start, end = business_day(day, known.timezone)
        entries = await LedgerRepository(uow.session).between(
            tenant_id=tenant_id, start=start, end=end
        )
        paid_orders = {
            e.order_id for e in entries if e.kind is EntryKind.PAYMENT and e.order_id is not None
        }
        report = daily_sales(
            day=day,
            timezone=known.timezone,
            entries=entries,
            orders=await OrderRepository(uow.session).many(
                tenant_id=tenant_id, order_ids=paid_orders
            ),
            closed_drawers=await DrawerRepository(uow.session).closed_between(
                tenant_id=tenant_id, start=start, end=end
            ),
        )
        return report if report.currency else replace(report, currency=known.currency)
