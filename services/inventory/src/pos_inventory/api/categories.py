"""Menu categories: owners and managers arrange them; all staff read them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from pos_inventory.api.dependencies import MenuManager, MenuReader, Services, position, tenant_of
from pos_inventory.api.schemas import CategoryIn, CategoryOut, CategoryPage, CategoryPatch
from pos_inventory.domain.menu import Category
from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, encode_cursor

router = APIRouter(prefix="/api/v1/categories", tags=["categories"])


def _out(category: Category) -> CategoryOut:
    return CategoryOut(
        id=category.id,
        name=category.name,
        description=category.description,
        position=category.position,
        created_at=category.created_at,
        updated_at=category.updated_at,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CategoryOut)
async def create_category(
    body: CategoryIn, principal: MenuManager, db: DbSession, services: Services, response: Response
) -> CategoryOut:
    category = await services.categories.create(
        db,
        tenant_id=tenant_of(principal),
        name=body.name,
        description=body.description,
        position=body.position,
    )
    response.headers["Location"] = f"{router.prefix}/{category.id}"
    return _out(category)


@router.get("", response_model=CategoryPage)
async def list_categories(
    principal: MenuReader,
    db: DbSession,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CategoryPage:
    """In menu order: by position, then name."""
    after = position(cursor, lambda p: (int(p["p"]), str(p["n"]), uuid.UUID(p["i"])))
    found = await services.categories.list_page(
        db, tenant_id=tenant_of(principal), limit=limit + 1, after=after
    )
    page, more = found[:limit], len(found) > limit
    last = page[-1] if page else None
    next_cursor = (
        encode_cursor({"p": last.position, "n": last.name, "i": str(last.id)})
        if more and last
        else None
    )
    return CategoryPage(items=[_out(c) for c in page], next_cursor=next_cursor)


@router.get("/{category_id}", response_model=CategoryOut)
async def get_category(
    category_id: uuid.UUID, principal: MenuReader, db: DbSession, services: Services
) -> CategoryOut:
    return _out(
        await services.categories.get(db, tenant_id=tenant_of(principal), category_id=category_id)
    )


@router.patch("/{category_id}", response_model=CategoryOut)
async def update_category(
    category_id: uuid.UUID,
    body: CategoryPatch,
    principal: MenuManager,
    db: DbSession,
    services: Services,
) -> CategoryOut:
    category = await services.categories.update(
        db, tenant_id=tenant_of(principal), category_id=category_id, changes=body.changes()
    )
    return _out(category)


@router.delete("/{category_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_category(
    category_id: uuid.UUID, principal: MenuManager, db: DbSession, services: Services
) -> Response:
    """Refused (409) while live menu items are in it."""
    await services.categories.delete(db, tenant_id=tenant_of(principal), category_id=category_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
