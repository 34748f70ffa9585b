"""payment's use cases, bundled as `PaymentUseCases`: rules applied through repositories."""

from __future__ import annotations

from dataclasses import dataclass

from pos_payment.use_cases.drawers import Drawers
from pos_payment.use_cases.orders import OrderBook
from pos_payment.use_cases.payments import Payments
from pos_payment.use_cases.refunds import Refunds
from pos_payment.use_cases.reports import Reports
from pos_payment.use_cases.restaurants import RestaurantSettingsCopy


@dataclass(frozen=True)
class PaymentUseCases:
    payments: Payments
    refunds: Refunds
    orders: OrderBook
    drawers: Drawers
    reports: Reports
    restaurants: RestaurantSettingsCopy
