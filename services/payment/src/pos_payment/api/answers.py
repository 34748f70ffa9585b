"""Turning a stored-or-fresh answer into the HTTP response, the same for the first and a retry."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from pos_payment.domain.errors import CardDeclined, RefundRefused
from pos_payment.domain.idempotency import Answer

REPLAYED_HEADER = "Idempotent-Replayed"


def respond(answer: Answer) -> JSONResponse:
    """The answer as a response; a problem answer raises its error (rendered as problem+json)."""
    headers = dict(answer.headers)
    if answer.replayed:
        headers[REPLAYED_HEADER] = "true"
    body = answer.body
    if answer.status == CardDeclined.status:
        raise CardDeclined(
            body["detail"],
            payment_id=body["payment_id"],
            decline_code=body["decline_code"],
            headers=headers,
        )
    if answer.status == RefundRefused.status:
        raise RefundRefused(
            body["detail"], refund_id=body["refund_id"], reason=body["reason"], headers=headers
        )
    return JSONResponse(body, status_code=answer.status, headers=headers)
