"""inventory as the chatbot reads it: menu items, from its API (catch-up) and its events.

`product.created`/`product.updated` carry the whole item exactly as
`GET /api/v1/products` answers it, so one model reads both. Only the fields the
chatbot uses are read; producers may add others. The API is read with the chatbot's
own client-credentials token for the restaurant (scope `menu:read`).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pos_chatbot.adapters.plain import from_plain
from pos_chatbot.domain.menu import MenuItem
from pos_kit.events import EventData
from pos_kit.http import DownstreamUnavailable, ResilientClient, ServiceTokens
from pos_kit.http.downstream import DownstreamClient

DOWNSTREAM = "inventory"
MENU_READ_SCOPE = "menu:read"
PRODUCTS_PATH = "/api/v1/products"
PAGE_SIZE = 100
# A menu is a few hundred items; this many pages means something is wrong, not a menu.
MAX_PAGES = 50


class _Option(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID
    name: str
    price_delta: int


class _Group(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID
    name: str
    min_choices: Annotated[int, Field(ge=0)]
    max_choices: Annotated[int, Field(ge=0)]
    options: list[_Option]


class ProductDocument(EventData):
    """A menu item as inventory writes it (API answer and product.* event data)."""

    id: uuid.UUID
    name: str
    description: str = ""
    price: Annotated[int, Field(ge=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    category_id: uuid.UUID | None = None
    tags: list[str] = Field(default_factory=list)
    allergens: list[str] = Field(default_factory=list)
    available: bool
    modifier_groups: list[_Group] = Field(default_factory=list)
    version: Annotated[int, Field(ge=1)]

    def to_menu_item(self) -> MenuItem:
        return from_plain(MenuItem, self.model_dump())


class _ProductPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    items: list[ProductDocument]
    next_cursor: str | None = None


class InventoryClient(DownstreamClient):
    downstream = DOWNSTREAM

    def __init__(self, http: ResilientClient, tokens: ServiceTokens) -> None:
        """`tokens` are the chatbot's own, with the scope `menu:read`."""
        super().__init__(http)
        self.tokens = tokens

    async def menu(self, *, tenant_id: uuid.UUID) -> list[MenuItem]:
        """Every menu item of the restaurant, all pages.

        `DownstreamError` when inventory does not answer usably: down, or it refused the
        chatbot (a 4xx), or it answered something the chatbot cannot read; or when auth
        gives the chatbot no token.
        """
        items: list[MenuItem] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            response = await self.tokens.send(
                self.http, "GET", PRODUCTS_PATH, tenant_id=tenant_id, params=params
            )
            if response.status_code != 200:
                raise self._unusable(f"answered {response.status_code}")
            try:
                page = _ProductPage.model_validate_json(response.content)
            except ValidationError as exc:
                raise self._unusable("answered a menu the chatbot cannot read") from exc
            items += [product.to_menu_item() for product in page.items]
            cursor = page.next_cursor
            if not cursor:
                return items
        raise self._unusable(f"answered more than {MAX_PAGES} pages")

    def _unusable(self, why: str) -> DownstreamUnavailable:
        return self.unusable(f"{why} for the menu", reason="no_menu")
