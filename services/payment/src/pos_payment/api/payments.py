"""`/api/v1/payments`: take a payment, read payments and an order's balance, refund."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_payment.api.answers import respond
from pos_payment.api.dependencies import (
    IdempotencyKey,
    Manager,
    PaymentReader,
    PaymentTaker,
    UseCases,
)
from pos_payment.api.schemas import PaymentIn, PaymentPage, RefundIn, RefundList
from pos_payment.use_cases.answers import PaymentOut, RefundOut

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])

PAYMENTS = Keyset(datetime, uuid.UUID)  # newest first by (created_at, id)

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_TAKE_ANSWERS: dict[int | str, dict[str, Any]] = {
    201: {"model": PaymentOut, "description": "Taken (a replay carries Idempotent-Replayed)."},
    202: {"model": PaymentOut, "description": "Card payment pending: the processor did not "
          "answer in time. Retry with the same key, or read the payment later."},
    400: {"description": "No Idempotency-Key.", **PROBLEM},
    402: {"description": "Card declined: nothing charged, balance unchanged.", **PROBLEM},
    409: {"description": "Above the balance, a cancelled order, or the key still in flight "
          "(Retry-After).", **PROBLEM},
    422: {"description": "Invalid, a card number sent, or the key used for another request.",
          **PROBLEM},
    503: {"description": "pos-core away and no copy of the order (Retry-After).", **PROBLEM},
}  # fmt: skip


@router.post("", status_code=201, response_model=None, responses=_TAKE_ANSWERS)
async def take_payment(
    body: PaymentIn, who: PaymentTaker, key: IdempotencyKey, uow: UoW, use_cases: UseCases
) -> JSONResponse:
    """Take a payment against a placed order: at most its balance (cash may tender more)."""
    answer = await use_cases.payments.take(uow, who=who, key=key, request=body.to_request())
    return respond(answer)


@router.get("")
async def list_payments(
    who: PaymentReader,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(PAYMENTS))],
    order_id: Annotated[uuid.UUID | None, Query(description="One order's payments.")] = None,
) -> PaymentPage:
    """Payments, newest first; with `order_id`, that order's and where its bill stands."""
    extra: dict[str, Any] = {}
    if order_id is not None:
        standing = await use_cases.orders.standing(
            uow, tenant_id=who.tenant, order_id=order_id, token=who.token
        )
        extra = PaymentPage.standing(standing)
    found = await use_cases.payments.list(uow, tenant_id=who.tenant, order_id=order_id, page=page)
    return PaymentPage.build(
        found, PAYMENTS, lambda taken: PaymentOut.of(taken[0], refunded=taken[1]), **extra
    )


@router.get("/{payment_id}")
async def get_payment(
    payment_id: uuid.UUID, who: PaymentReader, uow: UoW, use_cases: UseCases
) -> PaymentOut:
    payment, refunded = await use_cases.payments.get(
        uow, tenant_id=who.tenant, payment_id=payment_id
    )
    return PaymentOut.of(payment, refunded=refunded)


@router.post(
    "/{payment_id}/refunds",
    status_code=201,
    response_model=None,
    responses={
        201: {"model": RefundOut, "description": "Given back."},
        202: {"model": RefundOut, "description": "Card refund pending at the processor."},
        409: {"description": "More than what is left to refund.", **PROBLEM},
        502: {"description": "The processor refused the refund.", **PROBLEM},
    },
)
async def refund_payment(
    payment_id: uuid.UUID,
    body: RefundIn,
    who: Manager,
    key: IdempotencyKey,
    uow: UoW,
    use_cases: UseCases,
) -> JSONResponse:
    """Give money back: never more than the payment took less earlier refunds."""
    answer = await use_cases.refunds.refund(
        uow, who=who, payment_id=payment_id, key=key, request=body.to_request()
    )
    return respond(answer)


@router.get("/{payment_id}/refunds")
async def list_refunds(
    payment_id: uuid.UUID, who: PaymentReader, uow: UoW, use_cases: UseCases
) -> RefundList:
    refunds = await use_cases.refunds.of_payment(uow, tenant_id=who.tenant, payment_id=payment_id)
    return RefundList(items=[RefundOut.model_validate(r) for r in refunds])
