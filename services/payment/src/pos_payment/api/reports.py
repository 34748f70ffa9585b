"""`/api/v1/reports/daily-sales`: the business day's figures, as JSON or as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from pos_kit.dependencies import UoW
from pos_kit.negotiation import preferred_media_type
from pos_payment.api.dependencies import Manager, UseCases
from pos_payment.api.schemas import DailySalesOut

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

JSON = "application/json"
CSV = "text/csv"
SUMMARY = (
    "gross_sales", "tax", "tips", "rounding", "refunds", "net_sales", "orders", "cash_variance",
)  # fmt: skip


@router.get(
    "/daily-sales",
    response_model=DailySalesOut,
    responses={200: {"content": {CSV: {}}, "description": "JSON, or CSV when asked for."}},
)
async def daily_sales(
    who: Manager,
    uow: UoW,
    use_cases: UseCases,
    day: Annotated[
        date, Query(alias="date", description="The business day, in the restaurant's time zone.")
    ],
    output: Annotated[
        Literal["json", "csv"] | None, Query(alias="format", description="Overrides Accept.")
    ] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Sales, tax, tips, refunds and cash variance of a day, from the ledger."""
    report = DailySalesOut.model_validate(
        await use_cases.reports.daily_sales(uow, tenant_id=who.tenant, day=day)
    )
    wanted = (
        {"json": JSON, "csv": CSV}[output] if output else preferred_media_type(accept, [JSON, CSV])
    )
    if wanted == CSV:
        return Response(
            as_csv(report),
            media_type=CSV,
            headers={"Content-Disposition": f'attachment; filename="daily-sales-{day}.csv"'},
        )
    return Response(report.model_dump_json(), media_type=JSON)


def as_csv(report: DailySalesOut) -> str:
    """The report's figures, one a row: `section,key,figure,value` (a long table to pivot)."""
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["section", "key", "figure", "value"])
    for figure in ("date", "timezone", "currency"):
        rows.writerow(["report", "", figure, getattr(report, figure) or ""])
    for figure in SUMMARY:
        rows.writerow(["summary", "", figure, getattr(report, figure)])
    for method in report.by_method:
        for figure in ("sales", "tips", "refunds", "payments"):
            rows.writerow(["method", method.method, figure, getattr(method, figure)])
    for staff in report.by_staff:
        for figure in ("sales", "tips", "payments"):
            rows.writerow(["staff", staff.staff_id, figure, getattr(staff, figure)])
    for drawer in report.drawers:
        rows.writerow(["drawer", drawer.session_id, "variance", drawer.variance])
    return out.getvalue()
