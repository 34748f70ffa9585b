"""pos-core as the chatbot calls it: opening the order a member of staff accepted from a draft.

The call is made with the staff member's token (pos-core checks they may take orders)
and an Idempotency-Key derived from the draft, so a retry, by the client below or by
staff pressing accept again, answers the same order instead of opening a second one.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from pos_chatbot.domain.drafts import Draft
from pos_chatbot.domain.errors import OrderRefused
from pos_kit.http import answer_detail
from pos_kit.http.downstream import DownstreamClient

DOWNSTREAM = "pos-core"
ORDERS_PATH = "/api/v1/orders"


class _OpenedOrder(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID


def idempotency_key(draft: Draft) -> str:
    return f"chat-draft-{draft.id}"


def order_body(draft: Draft, table_id: uuid.UUID) -> dict[str, Any]:
    return {
        "type": "dine_in",
        "table_id": str(table_id),
        "items": [
            {
                "product_id": str(line.product_id),
                "quantity": line.quantity,
                "notes": line.notes,
                "modifiers": [str(option.option_id) for option in line.options],
            }
            for line in draft.lines
        ],
    }


class PosCoreClient(DownstreamClient):
    downstream = DOWNSTREAM

    async def open_order(self, draft: Draft, *, table_id: uuid.UUID, token: str) -> uuid.UUID:
        """The id of the order pos-core opened with the draft's lines for the table."""
        response = await self.http.post(
            ORDERS_PATH,
            json=order_body(draft, table_id),
            token=token,
            idempotency_key=idempotency_key(draft),
        )
        if response.status_code in (200, 201):
            try:
                return _OpenedOrder.model_validate_json(response.content).id
            except ValidationError as exc:
                raise self.unusable(
                    "answered an order the chatbot cannot read", reason="unreadable_order"
                ) from exc
        # pos-core's own explanation (its problem detail), for the member of staff.
        raise OrderRefused(f"pos-core refused the order: {answer_detail(response)}")
