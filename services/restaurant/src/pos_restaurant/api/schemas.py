"""What restaurant's API accepts and answers."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AliasPath,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

from pos_kit.pagination import Page
from pos_kit.schemas import RequestModel, ResponseModel
from pos_restaurant.domain import floor_plan as plan
from pos_restaurant.domain import profile as rules
from pos_restaurant.domain.floor_plan import Placement, TableShape, TableStatus
from pos_restaurant.domain.staff import MAX_FULL_NAME, Role, StaffMember, check_phone

# What auth accepts for a password; checked here too so a bad one costs no call to auth.
Password = Field(min_length=10, max_length=128)

Currency = Annotated[str, AfterValidator(rules.check_currency)]
TimeZone = Annotated[str, AfterValidator(rules.check_timezone)]
TaxRate = Annotated[int, Field(ge=0, le=rules.MAX_TAX_RATE_BPS)]
CashRounding = Annotated[int, Field(ge=1, le=rules.MAX_CASH_ROUNDING_MINOR_UNITS)]
Flag = Annotated[bool, Field(strict=True)]  # JSON true or false, not "yes" or 1
Phone = Annotated[str, Field(max_length=32), AfterValidator(check_phone)]
Coordinate = Annotated[int, Field(ge=0, le=plan.MAX_COORDINATE)]
Size = Annotated[int, Field(ge=plan.MIN_SIZE, le=plan.MAX_SIZE)]
Seats = Annotated[int, Field(ge=plan.MIN_SEATS, le=plan.MAX_SEATS)]
SortOrder = Annotated[int, Field(ge=0, le=plan.MAX_SORT_ORDER)]
FloorName = Annotated[str, Field(min_length=1, max_length=plan.MAX_FLOOR_NAME)]
TableName = Annotated[str, Field(min_length=1, max_length=plan.MAX_TABLE_NAME)]
FullName = Annotated[str, Field(min_length=1, max_length=MAX_FULL_NAME)]


class Strict(RequestModel):
    """A request body: unknown fields refused, text trimmed and storable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Strict):
    """A partial update: only the fields sent change; `None` clears a field that may be empty.

    Fields listed in `not_nullable` may be left out but not sent as null.
    """

    not_nullable: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Patch:
        nulled = [
            f for f in self.not_nullable if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null; leave it out to keep it")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


# --- profile ---------------------------------------------------------------------------


class ProfileOut(ResponseModel):
    tenant_id: uuid.UUID
    name: str
    address: str | None
    currency: str
    timezone: str
    default_tax_rate_bps: int
    receipt_footer: str | None
    cash_rounding_minor_units: int = Field(
        description="Cash payments are rounded to this many minor units; 1 is no rounding."
    )
    waiters_take_payments: bool
    close_when_paid: bool = Field(
        description="A fully paid dine-in order closes at once (its table is freed); "
        "false: it waits for staff to close it."
    )
    version: int = Field(description="1 at sign-up, one more with every change.")
    created_at: datetime
    updated_at: datetime


class ProfilePatch(Patch):
    not_nullable: ClassVar[tuple[str, ...]] = (
        "name",
        "currency",
        "timezone",
        "default_tax_rate_bps",
        "cash_rounding_minor_units",
        "waiters_take_payments",
        "close_when_paid",
    )

    name: str | None = Field(default=None, min_length=1, max_length=rules.MAX_NAME_LENGTH)
    address: str | None = Field(default=None, max_length=rules.MAX_ADDRESS_LENGTH)
    currency: Currency | None = None
    timezone: TimeZone | None = None
    default_tax_rate_bps: TaxRate | None = None
    receipt_footer: str | None = Field(default=None, max_length=rules.MAX_FOOTER_LENGTH)
    cash_rounding_minor_units: CashRounding | None = None
    waiters_take_payments: Flag | None = None
    close_when_paid: Flag | None = None


# --- floors and tables -----------------------------------------------------------------


class FloorIn(Strict):
    name: FloorName
    sort_order: SortOrder = 0


class FloorPatch(Patch):
    not_nullable: ClassVar[tuple[str, ...]] = ("name", "sort_order")

    name: FloorName | None = None
    sort_order: SortOrder | None = None


class FloorOut(ResponseModel):
    id: uuid.UUID
    name: str
    sort_order: int
    created_at: datetime
    updated_at: datetime


class FloorPage(Page[FloorOut]):
    """Floors in the order the floor plan shows them (`sort_order`)."""


class TableIn(Strict):
    floor_id: uuid.UUID
    name: TableName
    seats: Seats
    shape: TableShape = TableShape.SQUARE
    x: Coordinate = 0
    y: Coordinate = 0
    width: Size = 1
    height: Size = 1

    def placement(self) -> Placement:
        return Placement(x=self.x, y=self.y, width=self.width, height=self.height)


_LAYOUT_FIELDS = ("floor_id", "name", "seats", "shape", "x", "y", "width", "height")


class TablePatch(Patch):
    """Layout fields (owner or manager) and seating fields (front-of-house staff)."""

    not_nullable: ClassVar[tuple[str, ...]] = (*_LAYOUT_FIELDS, "status")

    floor_id: uuid.UUID | None = None
    name: TableName | None = None
    seats: Seats | None = None
    shape: TableShape | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None
    width: Size | None = None
    height: Size | None = None
    status: TableStatus | None = None
    current_order_id: uuid.UUID | None = Field(
        default=None,
        description="With status occupied: the open order of the guests seated here.",
    )

    @model_validator(mode="after")
    def _order_only_when_occupied(self) -> TablePatch:
        if self.current_order_id is not None and self.status is not TableStatus.OCCUPIED:
            raise ValueError('current_order_id can only be set together with status "occupied"')
        return self

    def layout_changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _LAYOUT_FIELDS if f in self.model_fields_set}


class TableOut(ResponseModel):
    id: uuid.UUID
    floor_id: uuid.UUID
    name: str
    seats: int
    shape: TableShape
    x: int = Field(validation_alias=AliasPath("placement", "x"))
    y: int = Field(validation_alias=AliasPath("placement", "y"))
    width: int = Field(validation_alias=AliasPath("placement", "width"))
    height: int = Field(validation_alias=AliasPath("placement", "height"))
    status: TableStatus
    current_order_id: uuid.UUID | None
    order_ids: list[uuid.UUID] = Field(description="Every open order seated here, oldest first.")
    created_at: datetime
    updated_at: datetime


class TablePage(Page[TableOut]):
    """Tables by name."""


class MoveOrderIn(Strict):
    to_table_id: uuid.UUID
    order_id: uuid.UUID | None = Field(
        default=None, description="Which order moves; by default the table's current order."
    )


class MoveOrderOut(BaseModel):
    from_table: TableOut
    to_table: TableOut


# --- staff -----------------------------------------------------------------------------


class LoginIn(Strict):
    email: EmailStr
    password: str = Password


class StaffIn(Strict):
    full_name: FullName
    role: Role
    phone: Phone | None = None
    email: EmailStr | None = None
    login: LoginIn | None = Field(
        default=None, description="Give this to let the person sign in; auth makes the login."
    )


class StaffPatch(Patch):
    not_nullable: ClassVar[tuple[str, ...]] = ("full_name", "role")

    full_name: FullName | None = None
    role: Role | None = None
    phone: Phone | None = None
    email: EmailStr | None = None

    def changes(self) -> dict[str, Any]:
        sent = super().changes()
        if sent.get("email") is not None:
            sent["email"] = str(sent["email"])
        return sent


class StaffOut(ResponseModel):
    id: uuid.UUID
    full_name: str
    role: Role
    phone: str | None
    email: str | None
    is_active: bool
    auth_user_id: uuid.UUID | None
    login_email: str | None
    created_at: datetime
    updated_at: datetime
    deactivated_at: datetime | None

    @model_validator(mode="before")
    @classmethod
    def _login_as_two_fields(cls, data: Any) -> Any:
        """A member's login, if any, is answered as `auth_user_id` and `login_email`."""
        if not isinstance(data, StaffMember):
            return data
        login = data.login
        return {
            **dataclasses.asdict(data),
            "auth_user_id": login.user_id if login else None,
            "login_email": login.email if login else None,
        }


class StaffPage(Page[StaffOut]):
    """Staff in the order they were added."""
