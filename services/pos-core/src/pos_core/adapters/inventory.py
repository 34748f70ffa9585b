"""The client of the inventory service: product look-ups and stock reservations.

Every call goes through pos-kit's `ResilientClient` (a total time budget, retries
only where a second copy is harmless, one circuit breaker for inventory). Product
look-ups carry the caller's bearer token, so inventory answers for the same tenant
and person. Holding, committing and releasing stock is pos-core's own business, never
a person's: those calls carry pos-core's client-credentials token for the order's
restaurant (scope `inventory:reserve`, from auth, kept per restaurant; a 401 is tried
once more with a fresh one). Inventory's answers are checked strictly: money must be
an integer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar, Unpack

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from pos_core.domain.errors import (
    InsufficientStock,
    InventoryBadAnswer,
    InventoryUnavailable,
    ReservationRefused,
    UnknownProduct,
)
from pos_core.domain.menu import ModifierGroup, ModifierOption, Product
from pos_core.domain.stock import Reservation, StockLine
from pos_kit.http import (
    DownstreamError,
    DownstreamTimeout,
    ResilientClient,
    ServiceTokenRefused,
    ServiceTokens,
    answer_detail,
)
from pos_kit.http.client import CallOptions
from pos_kit.http.downstream import DownstreamClient
from pos_kit.mapping import build

log = structlog.get_logger(__name__)

DOWNSTREAM = "inventory"
# What pos-core's own tokens for inventory carry: holding, committing, releasing stock.
RESERVE_SCOPE = "inventory:reserve"
# Inventory's largest page: the most ids one `GET /api/v1/products?id=...` may name.
MAX_IDS_PER_LOOKUP = 100


class _Lenient(BaseModel):
    # Inventory may add fields; pos-core reads what it needs and ignores the rest.
    model_config = ConfigDict(extra="ignore")


class _OptionIn(_Lenient):
    id: uuid.UUID
    name: str = Field(min_length=1)
    price_delta: StrictInt


class _GroupIn(_Lenient):
    id: uuid.UUID
    name: str = Field(min_length=1)
    # Inventory calls them min_choices/max_choices.
    min_select: StrictInt = Field(ge=0, alias="min_choices")
    max_select: StrictInt = Field(ge=0, alias="max_choices")
    options: list[_OptionIn] = Field(default_factory=list)

    def to_domain(self) -> ModifierGroup:
        return build(
            ModifierGroup, self, options=tuple(build(ModifierOption, o) for o in self.options)
        )


class _ProductIn(_Lenient):
    id: uuid.UUID
    name: str = Field(min_length=1)
    price: StrictInt = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    tax_rate_bps: StrictInt = Field(ge=0, le=100_000)
    available: StrictBool
    modifier_groups: list[_GroupIn] = Field(default_factory=list)

    def to_domain(self) -> Product:
        return build(
            Product, self, modifier_groups=tuple(g.to_domain() for g in self.modifier_groups)
        )


class _ProductPageIn(_Lenient):
    items: list[_ProductIn]


class _LineIn(_Lenient):
    product_id: uuid.UUID
    quantity: StrictInt


class _ReservationIn(_Lenient):
    id: str = Field(min_length=1, max_length=100)
    status: str
    lines: list[_LineIn] | None = None

    def to_domain(self) -> Reservation:
        lines = None if self.lines is None else tuple(build(StockLine, line) for line in self.lines)
        return build(Reservation, self, lines=lines)


class _ShortLineIn(_Lenient):
    product_id: uuid.UUID
    name: str | None = None
    requested: StrictInt
    available: StrictInt


_M = TypeVar("_M", bound=BaseModel)


def _parse(model: type[_M], response: httpx.Response, what: str) -> _M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        log.error("inventory_answer_invalid", what=what, errors=exc.errors(include_url=False))
        raise InventoryBadAnswer(
            f"Inventory answered {what} in a form pos-core cannot use."
        ) from exc


def _problem_members(response: httpx.Response) -> dict[str, Any]:
    """The members of a problem answer (`short_lines`...); {} for any other answer."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _off_the_menu(product_id: object, detail: str) -> UnknownProduct:
    """A product inventory no longer sells, named (or not) by inventory's refusal."""
    return UnknownProduct(
        str(product_id) if product_id else None,
        detail=(
            "A product on this order is no longer on the menu"
            + (f" ({detail})" if detail else "")
            + ". Remove it and place the order again."
        ),
    )


def _why(exc: DownstreamError) -> str:
    """Why a downstream gave no answer, in words that follow its name."""
    if isinstance(exc, ServiceTokenRefused):
        return f"refused pos-core's token request (it answered {exc.status_code})"
    if exc.reason == "circuit_open":
        return "is unavailable (calls are paused after repeated failures)"
    if isinstance(exc, DownstreamTimeout):
        return "did not answer in time"
    return "is unavailable"


class InventoryClient(DownstreamClient):
    downstream = DOWNSTREAM

    def __init__(self, http: ResilientClient, tokens: ServiceTokens) -> None:
        """`tokens` are pos-core's own, with the scope `inventory:reserve`."""
        super().__init__(http)
        self.tokens = tokens

    def _unavailable(self, exc: DownstreamError, action: str) -> InventoryUnavailable:
        """The one decided fallback: fail fast with 503 and Retry-After; the caller changed
        nothing. A failure to get pos-core's own token is auth's, and says so."""
        wait = f"The order is unchanged; try again in {exc.retry_after_seconds} s."
        if exc.downstream == self.http.name:
            detail = f"Inventory {_why(exc)}, so pos-core could not {action}. {wait}"
        else:
            # auth, asked for pos-core's token: nothing was sent to inventory.
            detail = (
                f"{exc.downstream} {_why(exc)}, so pos-core has no token of its own "
                f"to {action} at inventory. {wait}"
            )
        return InventoryUnavailable(
            detail,
            retry_after_seconds=exc.retry_after_seconds,
            extra={"downstream": exc.downstream, "reason": exc.reason},
        )

    async def _as_caller(
        self, action: str, path: str, *, token: str, **options: Unpack[CallOptions]
    ) -> httpx.Response:
        """`GET path` with the caller's token."""
        try:
            return await self.http.request("GET", path, token=token, **options)
        except DownstreamError as exc:
            raise self._unavailable(exc, action) from exc

    async def _as_pos_core(
        self,
        action: str,
        path: str,
        *,
        tenant_id: uuid.UUID,
        idempotency_key: str,
        json: Any = None,
    ) -> httpx.Response:
        """`POST path` with pos-core's own token for the restaurant."""
        try:
            return await self.tokens.send(
                self.http,
                "POST",
                path,
                tenant_id=tenant_id,
                json=json,
                idempotency_key=idempotency_key,
            )
        except DownstreamError as exc:
            raise self._unavailable(exc, action) from exc

    def _unexpected(self, response: httpx.Response, action: str) -> InventoryBadAnswer:
        detail = answer_detail(response)
        log.error(
            "inventory_unexpected_status",
            action=action,
            status_code=response.status_code,
            detail=detail,
        )
        return InventoryBadAnswer(
            f"Inventory refused to {action} (it answered {response.status_code}"
            + (f": {detail}" if detail else "")
            + ")."
        )

    async def product(self, product_id: uuid.UUID, *, token: str) -> Product:
        """The product as inventory sells it now, for the caller's tenant."""
        action = "look up the product"
        response = await self._as_caller(action, f"/api/v1/products/{product_id}", token=token)
        if response.status_code == 404:
            raise UnknownProduct(str(product_id))
        if response.status_code != 200:
            raise self._unexpected(response, action)
        product = _parse(_ProductIn, response, "a product").to_domain()
        if product.id != product_id:
            raise InventoryBadAnswer("Inventory answered with a different product than asked for.")
        return product

    async def products(
        self, product_ids: Sequence[uuid.UUID], *, token: str
    ) -> dict[uuid.UUID, Product]:
        """The products of an order as inventory sells them now, in one call per hundred
        (`GET /api/v1/products?id=...`), not one per item; an unknown one is refused."""
        wanted = list(dict.fromkeys(product_ids))
        found: dict[uuid.UUID, Product] = {}
        for start in range(0, len(wanted), MAX_IDS_PER_LOOKUP):
            found |= await self._products(wanted[start : start + MAX_IDS_PER_LOOKUP], token)
        for product_id in wanted:
            if product_id not in found:
                raise UnknownProduct(str(product_id))
        return found

    async def _products(self, wanted: list[uuid.UUID], token: str) -> dict[uuid.UUID, Product]:
        action = "look up the order's products"
        params = [("id", str(product_id)) for product_id in wanted]
        response = await self._as_caller(
            action, "/api/v1/products", params=[*params, ("limit", str(len(wanted)))], token=token
        )
        if response.status_code != 200:
            raise self._unexpected(response, action)
        products = [p.to_domain() for p in _parse(_ProductPageIn, response, "products").items]
        if not {p.id for p in products} <= set(wanted):
            raise InventoryBadAnswer("Inventory answered with products that were not asked for.")
        return {p.id: p for p in products}

    async def reserve(
        self, *, tenant_id: uuid.UUID, order_id: uuid.UUID, lines: list[StockLine]
    ) -> Reservation:
        """Hold stock for the restaurant's order. Safe to repeat: inventory keys the hold on
        order_id."""
        action = "reserve stock for the order"
        response = await self._as_pos_core(
            action,
            "/api/v1/reservations",
            tenant_id=tenant_id,
            json={
                "order_id": str(order_id),
                "lines": [
                    {"product_id": str(line.product_id), "quantity": line.quantity}
                    for line in lines
                ],
            },
            # With the key the client may retry a reservation that timed out.
            idempotency_key=str(order_id),
        )
        if response.status_code in (200, 201):
            return _parse(_ReservationIn, response, "a reservation").to_domain()
        detail, body = answer_detail(response), _problem_members(response)
        if response.status_code == 409:
            short = body.get("short_lines")
            if isinstance(short, list) and short:
                try:
                    short_lines = [_ShortLineIn.model_validate(s) for s in short]
                except ValidationError as exc:
                    raise InventoryBadAnswer(
                        "Inventory named short lines pos-core cannot read."
                    ) from exc
                names = ", ".join(
                    f"{s.name or s.product_id} ({s.available} left, {s.requested} wanted)"
                    for s in short_lines
                )
                raise InsufficientStock(
                    f"Not enough stock for: {names}. The order is still open.",
                    extra={
                        "current_status": "open",
                        "short_lines": [s.model_dump(mode="json") for s in short_lines],
                    },
                )
            raise ReservationRefused(
                f"Inventory refused the reservation: {detail or 'conflict'}."
                " The order is still open.",
                extra={"current_status": "open"},
            )
        unknown = body.get("unknown_product_ids")
        if response.status_code == 422 and isinstance(unknown, list) and unknown:
            # Inventory names products it does not know (or that another tenant owns).
            raise _off_the_menu(unknown[0], detail)
        if response.status_code == 404:
            raise _off_the_menu(body.get("product_id"), detail)
        raise self._unexpected(response, action)

    async def commit(self, reservation_id: str, *, tenant_id: uuid.UUID) -> None:
        """Turn the hold into a sale. Idempotent at inventory, hence retryable."""
        await self._settle(reservation_id, "commit", tenant_id=tenant_id)

    async def release(self, reservation_id: str, *, tenant_id: uuid.UUID) -> None:
        """Give the held stock back. Idempotent at inventory; an unknown hold is already gone."""
        await self._settle(reservation_id, "release", tenant_id=tenant_id)

    async def _settle(self, reservation_id: str, verb: str, *, tenant_id: uuid.UUID) -> None:
        action = f"{verb} the stock reservation"
        response = await self._as_pos_core(
            action,
            f"/api/v1/reservations/{reservation_id}/{verb}",
            tenant_id=tenant_id,
            idempotency_key=f"{reservation_id}:{verb}",
        )
        if response.status_code in (200, 204):
            return
        if response.status_code == 404 and verb == "release":
            return  # nothing held any more (expired and purged): the goal is reached
        if response.status_code in (404, 409):
            raise ReservationRefused(
                f"Inventory refused to {verb} the reservation: {answer_detail(response)}."
            )
        raise self._unexpected(response, action)
