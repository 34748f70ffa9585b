"""The unit of work on real PostgreSQL and SQLite: one commit or none, steps, after-commit hooks.

Whether a change is stored is always read through another unit of work (another
connection), so it shows only what was committed. `run` opens a unit of work as a
background job does, around a piece of work written as a use case would be.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy.orm import registry
from structlog.testing import capture_logs

from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.dependencies import UoW
from pos_kit.errors import Conflict, Unauthorized
from pos_kit.events import Outbox, outbox_table
from pos_kit.settings import ServiceSettings
from pos_kit.uow import TransactionOpen, UnitOfWork

metadata = sa.MetaData()
notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("text", sa.String(100), nullable=False),
)
outbox = Outbox(outbox_table(metadata), source="pos-core")


class Note:
    """A note as a repository loads it: an ORM object, kept in the session's identity map."""

    id: uuid.UUID
    text: str


registry().map_imperatively(Note, notes)
TENANT = str(uuid.uuid4())


class LoginRefused(Unauthorized):
    """Refused, and the refusal is counted: what the request wrote must stay."""

    commit_changes = True


@pytest.fixture(scope="module")
async def db(backend_url: str) -> AsyncIterator[Database]:
    database = Database(backend_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def add_note(uow: UnitOfWork, text: str = "table 4 wants water") -> uuid.UUID:
    note_id = uuid.uuid4()
    await uow.session.execute(sa.insert(notes).values(id=note_id, text=text))
    return note_id


async def run(db: Database, work: Callable[[UnitOfWork], Awaitable[object]]) -> None:
    async with db.unit_of_work() as uow:
        await work(uow)


async def stored(db: Database, note_id: uuid.UUID) -> bool:
    async with db.unit_of_work() as uow:
        found = await uow.session.scalar(sa.select(notes.c.id).where(notes.c.id == note_id))
    return found is not None


async def test_the_commit_comes_first_then_each_hook_once(db: Database) -> None:
    in_transaction_when_run: list[bool] = []

    async with db.unit_of_work() as uow:
        note = await add_note(uow)

        def wake_the_feed() -> None:
            in_transaction_when_run.append(uow.in_transaction)

        uow.on_commit(wake_the_feed)
        uow.on_commit(wake_the_feed)  # asked for twice, woken once
        assert in_transaction_when_run == []

    assert in_transaction_when_run == [False]
    assert await stored(db, note)


async def test_a_rollback_drops_the_hooks(db: Database) -> None:
    ran: list[str] = []
    written: list[uuid.UUID] = []

    async def declined(uow: UnitOfWork) -> None:
        written.append(await add_note(uow))
        uow.on_commit(lambda: ran.append("hook"))
        raise RuntimeError("card declined")

    with pytest.raises(RuntimeError, match="card declined"):
        await run(db, declined)

    assert ran == []
    assert not await stored(db, written[0])


async def test_a_step_commits_as_its_block_ends(db: Database) -> None:
    ran: list[str] = []

    async with db.unit_of_work() as uow:
        async with uow.step():
            first = await add_note(uow, "reserve stock")
            uow.on_commit(lambda: ran.append("first step"))
        # Committed while the unit of work goes on: nothing is held during a remote call.
        assert not uow.in_transaction
        assert await stored(db, first)
        assert ran == ["first step"]
        async with uow.step():
            second = await add_note(uow, "confirm the order")

    assert ran == ["first step"], "a later commit does not run a hook again"
    assert await stored(db, second)


async def test_a_failing_step_rolls_back_alone(db: Database) -> None:
    ran: list[str] = []
    lost: list[uuid.UUID] = []

    async def reserve_stock(uow: UnitOfWork) -> None:
        async with uow.step():
            lost.append(await add_note(uow, "stock reserved"))
            uow.on_commit(lambda: ran.append("reserved"))
            raise Conflict("out of stock")

    async with db.unit_of_work() as uow:
        async with uow.step():
            kept = await add_note(uow, "order placed")
        with pytest.raises(Conflict, match="out of stock"):
            await reserve_stock(uow)
        async with uow.step():
            after = await add_note(uow, "order cancelled")

    assert [await stored(db, n) for n in (kept, lost[0], after)] == [True, False, True]
    assert ran == []


async def test_a_step_refuses_to_begin_inside_an_open_transaction(db: Database) -> None:
    written: list[uuid.UUID] = []

    async def step_after_writing(uow: UnitOfWork) -> None:
        written.append(await add_note(uow))
        async with uow.step():
            pytest.fail("the step began inside the open transaction")

    with pytest.raises(TransactionOpen):
        await run(db, step_after_writing)

    assert not await stored(db, written[0])


async def test_a_step_reads_what_changed_since_the_last_step(db: Database) -> None:
    note_id = uuid.uuid4()
    await run(db, lambda uow: uow.session.execute(sa.insert(notes).values(id=note_id, text="a")))

    async with db.unit_of_work() as uow:
        async with uow.step():
            first = await uow.session.get(Note, note_id)
            assert first is not None
            assert first.text == "a"
        # Between the steps no transaction is open, and another waiter changes the note.
        await run(
            db,
            lambda other: other.session.execute(
                sa.update(notes).where(notes.c.id == note_id).values(text="b")
            ),
        )
        async with uow.step():
            again = await uow.session.scalar(sa.select(Note).where(Note.id == note_id))
            assert again is not None
            assert again.text == "b", "the second step saw the first step's stale copy"


async def test_a_step_whose_commit_fails_leaves_the_next_step_free(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def database_gone() -> None:
        raise ConnectionResetError("the database went away at commit")

    lost: list[uuid.UUID] = []

    async with db.unit_of_work() as uow:

        async def placement_whose_commit_fails() -> None:
            async with uow.step():
                lost.append(await add_note(uow, "placed"))
                monkeypatch.setattr(uow.session, "commit", database_gone)

        with pytest.raises(ConnectionResetError):
            await placement_whose_commit_fails()
        monkeypatch.undo()
        async with uow.step():  # the compensation must be able to run
            kept = await add_note(uow, "compensated")

    assert not await stored(db, lost[0])
    assert await stored(db, kept)


async def test_a_problem_that_keeps_its_changes_commits_them(db: Database) -> None:
    ran: list[str] = []
    written: dict[str, uuid.UUID] = {}

    async def log_in(uow: UnitOfWork) -> None:
        written["attempt"] = await add_note(uow, "failed login")
        uow.on_commit(lambda: ran.append("counted"))
        raise LoginRefused("wrong password")

    async def add_table(uow: UnitOfWork) -> None:
        written["clash"] = await add_note(uow, "duplicate table")
        raise Conflict("table 4 exists")

    with pytest.raises(LoginRefused):
        await run(db, log_in)
    with pytest.raises(Conflict):
        await run(db, add_table)

    assert await stored(db, written["attempt"])
    assert ran == ["counted"]
    assert not await stored(db, written["clash"])


async def test_a_failing_hook_neither_fails_the_work_nor_stops_the_others(db: Database) -> None:
    ran: list[str] = []

    def feed_gone() -> None:
        raise RuntimeError("feed gone")

    with capture_logs() as logs:
        async with db.unit_of_work() as uow:
            note = await add_note(uow)
            uow.on_commit(feed_gone)
            uow.on_commit(lambda: ran.append("relay woken"))

    assert ran == ["relay woken"]
    assert await stored(db, note)
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["after_commit_hook_failed"]


async def test_recorded_events_wake_the_relay_after_the_commit_only(backend_url: str) -> None:
    database = Database(backend_url)
    wake_ups: list[str] = []
    database.when_events_commit(lambda: wake_ups.append("relay"))

    async def place_then_decline(uow: UnitOfWork) -> None:
        await outbox.record_event(uow, type="order.placed", data={}, tenant_id=TENANT)
        raise RuntimeError("payment declined")

    try:
        async with database.unit_of_work() as uow:
            await outbox.record_event(uow, type="order.placed", data={}, tenant_id=TENANT)
            await outbox.record_event(uow, type="order.paid", data={}, tenant_id=TENANT)
            assert wake_ups == [], "nothing is visible to the relay before the commit"
        assert wake_ups == ["relay"], "one wake-up per commit, however many events"

        with pytest.raises(RuntimeError):
            await run(database, place_then_decline)
        await run(database, add_note)
        assert wake_ups == ["relay"], "neither a rollback nor a commit without events wakes it"
    finally:
        await database.dispose()


async def test_a_requests_unit_of_work_commits_once_or_rolls_back(db: Database) -> None:
    router = APIRouter()

    @router.put("/notes/{note_id}", status_code=201)
    async def add(note_id: uuid.UUID, uow: UoW, outcome: str = "ok") -> dict[str, str]:
        await uow.session.execute(sa.insert(notes).values(id=note_id, text=outcome))
        if outcome == "refused":
            raise LoginRefused("wrong password")
        if outcome == "conflict":
            raise Conflict("taken")
        if outcome == "bug":
            raise RuntimeError("a bug")
        return {"id": str(note_id)}

    app = create_service_app(
        settings=ServiceSettings(environment="test"), title="notes", routers=[router]
    )
    app.state.database = db
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://pos") as client:
        answers = {}
        for outcome in ("ok", "refused", "conflict", "bug"):
            note_id = uuid.uuid4()
            response = await client.put(f"/notes/{note_id}", params={"outcome": outcome})
            answers[outcome] = (response.status_code, await stored(db, note_id))

    assert answers == {
        "ok": (201, True),
        "refused": (401, True),
        "conflict": (409, False),
        "bug": (500, False),
    }
