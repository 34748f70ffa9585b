"""Menu categories: owners and managers arrange them; all staff read them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from pos_inventory.api.dependencies import MenuManager, MenuReader, UseCases
from pos_inventory.api.schemas import CategoryIn, CategoryOut, CategoryPage, CategoryPatch
from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request

router = APIRouter(prefix="/api/v1/categories", tags=["categories"])

# Menu order: by position, then name.
CATEGORIES = Keyset(int, str, uuid.UUID)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CategoryOut)
async def create_category(
    body: CategoryIn, who: MenuManager, uow: UoW, use_cases: UseCases, response: Response
) -> CategoryOut:
    category = await use_cases.categories.create(
        uow,
        tenant_id=who.tenant,
        name=body.name,
        description=body.description,
        position=body.position,
    )
    response.headers["Location"] = f"{router.prefix}/{category.id}"
    return CategoryOut.model_validate(category)


@router.get("", response_model=CategoryPage)
async def list_categories(
    who: MenuReader,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(CATEGORIES))],
) -> CategoryPage:
    """In menu order: by position, then name."""
    found = await use_cases.categories.list_page(uow, tenant_id=who.tenant, page=page)
    return CategoryPage.build(found, CATEGORIES, CategoryOut.model_validate)


@router.get("/{category_id}", response_model=CategoryOut)
async def get_category(
    category_id: uuid.UUID, who: MenuReader, uow: UoW, use_cases: UseCases
) -> CategoryOut:
    category = await use_cases.categories.get(uow, tenant_id=who.tenant, category_id=category_id)
    return CategoryOut.model_validate(category)


@router.patch("/{category_id}", response_model=CategoryOut)
async def update_category(
    category_id: uuid.UUID,
    body: CategoryPatch,
    who: MenuManager,
    uow: UoW,
    use_cases: UseCases,
) -> CategoryOut:
    category = await use_cases.categories.update(
        uow, tenant_id=who.tenant, category_id=category_id, changes=body.changes()
    )
    return CategoryOut.model_validate(category)


@router.delete("/{category_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_category(
    category_id: uuid.UUID, who: MenuManager, uow: UoW, use_cases: UseCases
) -> Response:
    """Refused (409) while live menu items are in it."""
    await use_cases.categories.delete(uow, tenant_id=who.tenant, category_id=category_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
