"""pos-core as payment calls it: an order, read on the caller's behalf."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pos_kit.http import (
    DownstreamUnavailable,
)
from pos_kit.http.downstream import DownstreamClient
from pos_kit.mapping import build
from pos_payment.domain.orders import Order, OrderStatus

DOWNSTREAM = "pos-core"


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    line_total: int = Field(ge=0)


class _Order(BaseModel):
    """What payment reads of `GET /api/v1/orders/{id}`."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    status: OrderStatus
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    total: int = Field(ge=0)
    tax: int = Field(ge=0)
    items: list[_Item]
    placed_by: str | None = None


class PosCoreClient(DownstreamClient):
    downstream = DOWNSTREAM

    async def order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID, token: str) -> Order | None:
        """The order as pos-core shows it to the caller (`token`); None if it has no such order.

        `DownstreamError` when pos-core gives no usable answer (down, circuit open, 5xx,
        or an answer payment cannot read): the caller falls back to its copy.
        """
        response = await self.http.get(f"/api/v1/orders/{order_id}", token=token)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._unusable(f"answered {response.status_code}")
        try:
            answer = _Order.model_validate_json(response.content)
        except ValidationError as exc:
            raise self._unusable("answered an order payment cannot read") from exc
        return build(
            Order,
            answer,
            tenant_id=tenant_id,
            lines={item.id: item.line_total for item in answer.items},
        )

    def _unusable(self, why: str) -> DownstreamUnavailable:
        return self.unusable(f"{why} for an order", reason="unusable_answer")
