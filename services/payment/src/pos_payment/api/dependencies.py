"""How routers reach payment's use cases, who the caller is and may be, and the Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from pos_kit.dependencies import app_state
from pos_kit.security import require_roles
from pos_kit.tokens import Principal
from pos_payment.domain.idempotency import checked_key
from pos_payment.domain.roles import CASHIERS, MANAGERS, PAYMENT_READERS, PAYMENT_TAKERS
from pos_payment.use_cases import PaymentUseCases

UseCases = Annotated[PaymentUseCases, Depends(app_state(PaymentUseCases))]

# Waiters get through here; whether their restaurant lets them take money is a setting
# the use case reads.
PaymentTaker = Annotated[Principal, Depends(require_roles(*PAYMENT_TAKERS))]
PaymentReader = Annotated[Principal, Depends(require_roles(*PAYMENT_READERS))]
CashHandler = Annotated[Principal, Depends(require_roles(*CASHIERS))]
Manager = Annotated[Principal, Depends(require_roles(*MANAGERS))]


async def _idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            description="A new UUID for each payment or refund; the same one to retry it. "
            "Kept at least 24 hours."
        ),
    ] = None,
) -> str:
    return checked_key(idempotency_key)


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]
