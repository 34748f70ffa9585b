"""payment's app: use cases, event handlers, the card reconciler and the key purge on the kernel."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier
from pos_payment.adapters.pos_core import PosCoreClient
from pos_payment.adapters.processors import CardProcessor, StripeProcessor
from pos_payment.adapters.tables import inbox, outbox
from pos_payment.api import drawers, events, orders, payments, reports
from pos_payment.config import PaymentSettings
from pos_payment.use_cases import PaymentUseCases
from pos_payment.use_cases.background import CardReconciler, IdempotencyKeyPurge
from pos_payment.use_cases.cards import CardDesk
from pos_payment.use_cases.drawers import Drawers
from pos_payment.use_cases.idempotency import IdempotencyKeys
from pos_payment.use_cases.orders import OrderBook
from pos_payment.use_cases.payments import Payments
from pos_payment.use_cases.refunds import Refunds
from pos_payment.use_cases.reports import Reports
from pos_payment.use_cases.restaurants import RestaurantSettingsCopy
from pos_payment.use_cases.settlement import Settlement


def create_app(
    settings: PaymentSettings | None = None,
    *,
    token_verifier: TokenVerifier | None = None,
    processor: CardProcessor | None = None,
) -> FastAPI:
    """`token_verifier`: tests pass one that trusts their own keys; otherwise auth's JWKS.
    `processor`: Stripe's API (or the simulator) at the configured URL unless given."""
    settings = settings or PaymentSettings()
    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    pos_core = PosCoreClient.from_settings(settings)
    kernel.on_shutdown(pos_core.aclose)
    processor = processor or StripeProcessor(
        api_key=settings.processor_api_key,
        base_url=settings.processor_base_url,
        timeout=settings.processor_timeout_seconds,
    )
    kernel.on_shutdown(processor.aclose)

    reconcile_after = timedelta(seconds=settings.reconcile_after_seconds)
    settlement = Settlement(outbox)
    cards = CardDesk(processor, settlement)
    keys = IdempotencyKeys(lease=timedelta(seconds=settings.idempotency_lease_seconds))
    order_book = OrderBook(pos_core)
    use_cases = PaymentUseCases(
        payments=Payments(
            orders=order_book,
            keys=keys,
            cards=cards,
            settlement=settlement,
            reconcile_after=reconcile_after,
        ),
        refunds=Refunds(
            keys=keys, cards=cards, settlement=settlement, reconcile_after=reconcile_after
        ),
        orders=order_book,
        drawers=Drawers(),
        reports=Reports(),
        restaurants=RestaurantSettingsCopy(),
    )
    # pos-core's order events keep the copy payments fall back on; restaurant's profile
    # events keep the settings (cash rounding, waiters, time zone).
    kernel.consume(inbox, events.SUBJECTS, events.event_handler(use_cases))
    kernel.run_in_background(
        CardReconciler(
            kernel.database,
            cards,
            interval=settings.reconcile_interval_seconds,
            first_after=reconcile_after,
            backoff_max=timedelta(seconds=settings.reconcile_backoff_max_seconds),
        )
    )
    kernel.run_in_background(
        IdempotencyKeyPurge(
            kernel.database,
            retention=timedelta(hours=settings.idempotency_retention_hours),
            interval=settings.idempotency_purge_interval_seconds,
        )
    )
    return kernel.create_app(
        title="POS payment",
        routers=[payments.router, orders.router, drawers.router, reports.router],
        use_cases=use_cases,
    )
