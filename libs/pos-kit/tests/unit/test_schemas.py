"""Request schemas refuse text the database cannot store, at any depth, naming the field."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from pos_kit.problem_details import install_problem_handlers
from pos_kit.schemas import NOT_STORABLE, RequestModel, StorableStr
from pos_kit.text import storable_text_problem

NUL = "\x00"
LONE_SURROGATE = "\ud800"


class Modifier(BaseModel):
    """A plain model nested in a request: checked by the request that holds it."""

    name: str


class Extra(RequestModel):
    name: str
    note: str | None = None


class OrderLineIn(RequestModel):
    product: str
    quantity: int = 1
    note: str | None = None
    modifiers: list[Modifier] = []
    extras: list[Extra] = []
    tags: dict[str, str] = {}
    seats: tuple[int, ...] = ()


def refusal(body: dict[str, Any]) -> tuple[str, tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as refused:
        OrderLineIn.model_validate(body)
    (error,) = refused.value.errors()
    return error["type"], error["loc"], error["msg"]


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["NUL", "lone surrogate"])
@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (lambda bad: {"product": f"Soup{bad}"}, ("product",)),
        (lambda bad: {"product": "Soup", "note": bad}, ("note",)),
        (lambda bad: {"product": "Soup", "modifiers": [{"name": bad}]}, ("modifiers",)),
        (lambda bad: {"product": "Soup", "extras": [{"name": "ok"}, {"name": bad}]},
         ("extras", 1, "name")),
        (lambda bad: {"product": "Soup", "tags": {"allergy": bad}}, ("tags",)),
        (lambda bad: {"product": "Soup", "tags": {bad: "nuts"}}, ("tags",)),
    ],
    ids=["field", "optional", "plain nested model", "request model in a list", "dict value",
         "dict key"],
)  # fmt: skip
def test_unstorable_text_is_refused_at_any_depth(
    body: Any, loc: tuple[str | int, ...], bad: str
) -> None:
    kind, where, message = refusal(body(bad))

    assert kind == NOT_STORABLE
    assert where == loc
    assert message == f"Text {storable_text_problem(bad)}"


def test_every_script_people_write_is_accepted() -> None:
    line = OrderLineIn.model_validate(
        {
            "product": "Crème brûlée",
            "note": "🍮 für Tisch 4, s'il vous plaît",
            "modifiers": [{"name": "炒饭"}],
            "extras": [{"name": "Ñoquis", "note": "𝄞 beyond the BMP, \t tab and\nnewline"}],
            "tags": {"ключ": "значение", "عربى": "ελληνικά"},
            "seats": (1, 2),
        }
    )

    assert line.product == "Crème brûlée"
    assert line.modifiers[0].name == "炒饭"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Soup", None),
        ("a\x00b", "NUL"),
        ("\udfff", "surrogate"),
        ("\U0001f36e", None),  # an emoji is one code point, not a surrogate pair, in Python
    ],
)
def test_what_the_database_cannot_store(text: str, why: str | None) -> None:
    problem = storable_text_problem(text)

    assert (problem is None) == (why is None)
    if why is not None:
        assert why in (problem or "")


@pytest.fixture
async def menu() -> Any:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/lines")
    async def add_line(line: OrderLineIn) -> dict[str, str]:
        return {"product": line.product}

    @app.get("/products")
    async def search(q: StorableStr = "") -> dict[str, str]:
        return {"q": q}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pos") as client:
        yield client


async def test_a_body_with_escaped_unstorable_text_is_a_422_naming_the_field(
    menu: httpx.AsyncClient,
) -> None:
    for escaped in ("\\u0000", "\\ud800"):
        raw = '{"product": "Soup", "extras": [{"name": "Bread", "note": "' + escaped + '"}]}'
        refused = await menu.post(
            "/lines", content=raw, headers={"content-type": "application/json"}
        )

        assert refused.status_code == 422, escaped
        assert refused.headers["content-type"] == "application/problem+json"
        (error,) = refused.json()["errors"]
        assert error["field"] == "body.extras.0.note"
        assert error["type"] == NOT_STORABLE


async def test_a_body_with_an_escaped_surrogate_pair_is_an_emoji(menu: httpx.AsyncClient) -> None:
    raw = json.dumps({"product": "\U0001f36e"})  # ensure_ascii: "\ud83c\udf6e"
    assert "\\ud83c" in raw

    answer = await menu.post("/lines", content=raw, headers={"content-type": "application/json"})

    assert answer.status_code == 200
    assert answer.json() == {"product": "🍮"}


async def test_a_storable_query_parameter(menu: httpx.AsyncClient) -> None:
    found = await menu.get("/products", params={"q": "crème 🍮"})
    refused = await menu.get("/products", params={"q": "soup\x00"})

    assert found.json() == {"q": "crème 🍮"}
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    (error,) = refused.json()["errors"]
    assert (error["field"], error["type"]) == ("query.q", NOT_STORABLE)
