"""`/api/v1/orders/{id}/split`: how to split what is left of an order's bill, evenly.

The gateway sends this one path under pos-core's prefix to payment, which owns the
balance; nothing is written: each share is then paid as a payment of its own.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pos_kit.dependencies import UoW
from pos_payment.api.dependencies import PaymentReader, UseCases
from pos_payment.api.schemas import SplitIn, SplitOut

router = APIRouter(prefix="/api/v1/orders", tags=["split checks"])


@router.post("/{order_id}/split")
async def preview_split(
    order_id: uuid.UUID, body: SplitIn, who: PaymentReader, uow: UoW, use_cases: UseCases
) -> SplitOut:
    """N shares summing exactly to what is left to pay; the remainder to the first shares."""
    preview = await use_cases.orders.split(
        uow, tenant_id=who.tenant, order_id=order_id, parts=body.parts, token=who.token
    )
    return SplitOut.of(preview)
