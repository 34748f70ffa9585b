"""ServiceKernel and the test plugin, on a tiny kitchen service wired as every service is.

The kitchen takes an order over HTTP (recording `order.placed` in its outbox) and
opens a ticket when `order.placed` comes back from the stream, so one request goes
through the whole kernel: the request's unit of work, the relay woken by the commit,
NATS, the consumer and its handler. Its fixtures (`client`, `tenant`, `bus`,
`nats_server`, `kit`) come from the plugin, as a service's would.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Annotated, Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI

from pos_kit.db import service_metadata
from pos_kit.dependencies import UoW, app_state
from pos_kit.events import (
    DLQ_STREAM,
    Event,
    EventData,
    Outbox,
    dlq_subject,
    inbox_table,
    outbox_table,
    parse_data,
    tenant_of,
)
from pos_kit.events.testing import stream_messages, wait_until
from pos_kit.kernel import ServiceKernel
from pos_kit.security import require_roles
from pos_kit.settings import ServiceSettings
from pos_kit.testing.app import app_client
from pos_kit.testing.bus import EventBus, new_event
from pos_kit.testing.kit import ServiceKit, ServiceUnderTest
from pos_kit.testing.nats import NatsServer
from pos_kit.testing.tenants import TestTenant
from pos_kit.tokens import Principal, TokenVerifier
from pos_kit.uow import UnitOfWork

# --- the kitchen service -------------------------------------------------------------

metadata = service_metadata()
outbox = Outbox(outbox_table(metadata), source="kitchen")
inbox = inbox_table(metadata)
tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("order_id", sa.Uuid, primary_key=True),
    sa.Column("tenant_id", sa.Uuid, nullable=False),
)


class KitchenUseCases:
    def __init__(self) -> None:
        self.journal: list[str] = []  # what started and stopped, in order

    async def take_order(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> None:
        await outbox.record_event(
            uow, type="order.placed", data={"order_id": str(order_id)}, tenant_id=tenant_id
        )

    async def open_ticket(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, order_id: uuid.UUID
    ) -> None:
        await uow.session.execute(sa.insert(tickets).values(order_id=order_id, tenant_id=tenant_id))

    async def open_tickets(self, uow: UnitOfWork, *, tenant_id: uuid.UUID) -> list[str]:
        found = await uow.session.scalars(
            sa.select(tickets.c.order_id).where(tickets.c.tenant_id == tenant_id)
        )
        return [str(order_id) for order_id in found]


class OrderPlaced(EventData):
    order_id: uuid.UUID


def event_handler(use_cases: KitchenUseCases) -> Callable[[UnitOfWork, Event], Awaitable[None]]:
    async def on_order_placed(uow: UnitOfWork, event: Event) -> None:
        placed = parse_data(event, OrderPlaced)
        await use_cases.open_ticket(uow, tenant_id=tenant_of(event), order_id=placed.order_id)

    return on_order_placed


class Journaled:
    """A background worker (a sweeper, say) that notes when it starts and stops."""

    def __init__(self, name: str, journal: list[str]) -> None:
        self.name, self.journal = name, journal

    async def start(self) -> None:
        self.journal.append(f"start {self.name}")

    async def stop(self) -> None:
        self.journal.append(f"stop {self.name}")


UseCases = Annotated[KitchenUseCases, Depends(app_state(KitchenUseCases))]
Cook = Annotated[Principal, Depends(require_roles("cook", "owner"))]
router = APIRouter()


@router.post("/orders/{order_id}", status_code=202)
async def take_order(order_id: uuid.UUID, who: Cook, uow: UoW, use_cases: UseCases) -> None:
    await use_cases.take_order(uow, tenant_id=who.tenant, order_id=order_id)


@router.get("/tickets")
async def open_tickets(who: Cook, uow: UoW, use_cases: UseCases) -> list[str]:
    return await use_cases.open_tickets(uow, tenant_id=who.tenant)


def create_app(settings: ServiceSettings, token_verifier: TokenVerifier) -> FastAPI:
    engine = sa.create_engine(settings.database_url)  # the migrations, in short
    metadata.create_all(engine)
    engine.dispose()

    kernel = ServiceKernel(settings, outbox=outbox, token_verifier=token_verifier)
    use_cases = KitchenUseCases()
    kernel.consume(inbox, ["pos.events.order.placed"], event_handler(use_cases))
    kernel.run_in_background(Journaled("sweeper", use_cases.journal))

    def closing(what: str) -> Callable[[], Awaitable[None]]:
        async def close() -> None:
            use_cases.journal.append(f"close {what}")

        return close

    kernel.on_shutdown(closing("printer"))
    kernel.on_shutdown(closing("card terminal"))
    return kernel.create_app(title="Kitchen", routers=[router], use_cases=use_cases)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> ServiceUnderTest:
    store = tmp_path_factory.mktemp("kitchen") / "kitchen.db"
    return ServiceUnderTest(
        name="pos-kit-kitchen",
        settings=ServiceSettings,
        create_app=create_app,
        defaults={"service_name": "kitchen", "database_url": f"sqlite:///{store}"},
    )


# --- the tests -----------------------------------------------------------------------


async def readiness(client: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    answer = await client.get("/readyz")
    return answer.status_code, answer.json()


async def test_routers_reach_the_use_cases_and_trust_the_kits_tokens(
    app: FastAPI, client: httpx.AsyncClient, restaurant: TestTenant
) -> None:
    assert isinstance(app.state.use_cases, KitchenUseCases)
    assert isinstance(app.state.kernel, ServiceKernel)
    assert app.state.settings.environment == "test"
    with pytest.raises(TypeError, match="not ServiceKernel"):
        await app_state(ServiceKernel)(SimpleNamespace(app=app))  # type: ignore[arg-type]

    order = f"/orders/{uuid.uuid4()}"
    assert (await client.post(order, headers=restaurant.headers("cook"))).status_code == 202
    assert (await client.post(order)).status_code == 401
    assert (await client.get("/tickets", headers=restaurant.headers("waiter"))).status_code == 403


async def test_a_taken_order_goes_round_the_stream_and_opens_a_ticket(
    client: httpx.AsyncClient, restaurant: TestTenant, another_restaurant: TestTenant, bus: EventBus
) -> None:
    order = uuid.uuid4()

    taken = await client.post(f"/orders/{order}", headers=restaurant.headers("owner"))

    async def ticket_open() -> bool:
        found = await client.get("/tickets", headers=restaurant.headers("cook"))
        return str(order) in found.json()

    assert taken.status_code == 202
    await wait_until(ticket_open, what="the kitchen's ticket for the order")
    (placed,) = await bus.events("order.placed", tenant_id=restaurant.tenant_id)
    assert (placed["source"], placed["data"]) == ("kitchen", {"order_id": str(order)})
    others = await client.get("/tickets", headers=another_restaurant.headers("cook"))
    assert str(order) not in others.json()


async def test_events_the_kitchen_cannot_use_are_dead_lettered(
    client: httpx.AsyncClient, restaurant: TestTenant, bus: EventBus
) -> None:
    no_order = await bus.publish(
        new_event("order.placed", {"order_id": "table-4"}, tenant_id=restaurant.tenant_id)
    )
    no_restaurant = await bus.publish(
        new_event("order.placed", {"order_id": str(uuid.uuid4())}, tenant_id="restaurant-4")
    )
    ours = {no_order.id, no_restaurant.id}

    async def both_dead_lettered() -> bool:
        letters = [Event.from_json(raw).id for raw in await bus.dead_letters("kitchen")]
        return ours <= set(letters)

    await wait_until(both_dead_lettered, what="both events on the kitchen's dead letters")
    letters = await stream_messages(bus.js, DLQ_STREAM, dlq_subject("kitchen"))
    headers = [m.headers or {} for m in letters if Event.from_json(m.data or b"").id in ours]
    # No retry could mend them: dead-lettered on the first delivery, as malformed.
    assert [(h["Pos-Dlq-Reason"], h["Pos-Dlq-Deliveries"]) for h in headers] == [
        ("malformed", "1"),
        ("malformed", "1"),
    ]


async def test_readyz_is_degraded_while_nats_is_away_and_ready_once_it_is_back(
    client: httpx.AsyncClient, nats_server: NatsServer
) -> None:
    async def status_is(wanted: str) -> bool:
        return (await readiness(client))[1]["status"] == wanted

    await wait_until(lambda: status_is("ready"), what="the kitchen ready")
    nats_server.stop()
    try:
        await wait_until(lambda: status_is("degraded"), what="readyz degraded")
        code, body = await readiness(client)
        assert code == 200, "a NATS outage must not take the service out of rotation"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["nats"].startswith("failing: ")
    finally:
        nats_server.start()
    await wait_until(lambda: status_is("ready"), what="readyz ready again")


async def test_workers_start_in_order_and_stop_in_reverse_before_the_database_closes(
    kit: ServiceKit,
) -> None:
    app = kit.create_app()
    kernel: ServiceKernel = app.state.kernel
    journal: list[str] = app.state.use_cases.journal
    assert kernel.relay is not None

    def noted(name: str, step: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def step_noted() -> None:
            journal.append(name)
            await step()

        return step_noted

    for name, worker in (("relay", kernel.relay), ("consumer", kernel.consumers[0])):
        worker.start = noted(f"start {name}", worker.start)  # type: ignore[method-assign]
        worker.stop = noted(f"stop {name}", worker.stop)  # type: ignore[method-assign]
    database = kernel.database
    database.dispose = noted("close database", database.dispose)  # type: ignore[method-assign]

    async with app_client(app) as client:
        assert journal == ["start relay", "start consumer", "start sweeper"]
        assert (await client.get("/healthz")).status_code == 200

    assert journal[3:] == [
        "stop sweeper",
        "stop consumer",
        "stop relay",
        "close card terminal",
        "close printer",
        "close database",
    ]


class WontStart:
    async def start(self) -> None:
        raise RuntimeError("no printer found")

    async def stop(self) -> None:
        raise AssertionError("a worker that never started is not stopped")


async def test_a_worker_that_cannot_start_stops_those_already_started(kit: ServiceKit) -> None:
    kernel = ServiceKernel(kit.settings(), token_verifier=kit.tokens.verifier())
    journal: list[str] = []
    kernel.run_in_background(Journaled("sweeper", journal))
    kernel.run_in_background(WontStart())
    kernel.run_in_background(Journaled("dispatcher", journal))
    app = kernel.create_app(title="Kitchen", routers=[], use_cases=KitchenUseCases())

    with pytest.raises(RuntimeError, match="no printer found"):
        async with app_client(app):
            pytest.fail("the app served without its workers")

    assert journal == ["start sweeper", "stop sweeper"]
    assert "nats" not in (await _readyz_checks(app)), "no relay, no consumer: no NATS check"


async def _readyz_checks(app: FastAPI) -> dict[str, str]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kitchen") as client:
        return (await client.get("/readyz")).json()["checks"]
