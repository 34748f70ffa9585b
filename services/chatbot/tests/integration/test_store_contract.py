"""The document store's contract: every repository operation, the same on every engine.

Always run on the embedded engine (montydb on SQLite, what `make run` uses). Run on
MongoDB too when POS_CHATBOT_MONGODB_URL points at one (its database is used as is;
every test writes under restaurants of its own, so a shared database is fine).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_chatbot.adapters.store import DocumentStore, DuplicateDocument, open_store
from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.adapters.store.inbox import MongoInbox
from pos_chatbot.adapters.store.layout import INDEXES
from pos_chatbot.adapters.store.menu_items import MenuItemRepository
from pos_chatbot.adapters.store.restaurants import RetentionRepository
from pos_chatbot.domain.callers import Caller
from pos_chatbot.domain.conversations import Conversation, Fact, Message, Speaker, ToolCall
from pos_chatbot.domain.drafts import ChosenOption, Draft, DraftLine, DraftStatus
from pos_chatbot.domain.menu import (
    TOMBSTONE_VERSION,
    MenuItem,
    ModifierGroup,
    ModifierOption,
)
from pos_kit.events import Event
from pos_kit.pagination import PageRequest

MONGODB_URL = os.environ.get("POS_CHATBOT_MONGODB_URL")
ENGINES = [
    "embedded",
    pytest.param(
        "mongodb",
        marks=pytest.mark.skipif(
            not MONGODB_URL,
            reason="no MongoDB to run the contract on: set POS_CHATBOT_MONGODB_URL to run it there",
        ),
    ),
]
# BSON keeps times to the millisecond: test times are whole milliseconds.
NOW = datetime(2026, 11, 25, 19, 30, 0, 123000, tzinfo=UTC)


@pytest.fixture(params=ENGINES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    url = MONGODB_URL if request.param == "mongodb" else None
    opened = open_store(mongodb_url=url, embedded_path=str(tmp_path), timeout_seconds=5)
    await opened.prepare(INDEXES)
    yield opened
    await opened.close()


def item(name: str = "Burrata", *, version: int = 1, **fields: object) -> MenuItem:
    size = ModifierGroup(uuid.uuid4(), "Size", 1, 1, (ModifierOption(uuid.uuid4(), "Large", 250),))
    values = {
        "id": uuid.uuid4(),
        "name": name,
        "description": "With tomatoes.",
        "price": 1150,
        "currency": "EUR",
        "tags": ("vegetarian",),
        "allergens": ("milk",),
        "available": True,
        "modifier_groups": (size,),
        "category_id": uuid.uuid4(),
        "version": version,
    } | fields
    return MenuItem(**values)  # type: ignore[arg-type]


def guest(tenant_id: uuid.UUID | None = None) -> Caller:
    return Caller(
        tenant_id=tenant_id or uuid.uuid4(),
        subject=f"guest:{uuid.uuid4()}",
        role="guest",
        table_id=uuid.uuid4(),
    )


def conversation(
    caller: Caller | None = None, *, expires_in: timedelta = timedelta(days=30)
) -> Conversation:
    return Conversation.open(
        caller or guest(), conversation_id=uuid.uuid4(), now=NOW, retention=expires_in
    )


def draft_line(menu_item: MenuItem) -> DraftLine:
    group = menu_item.modifier_groups[0]
    option = group.options[0]
    return DraftLine(
        id=uuid.uuid4(),
        product_id=menu_item.id,
        name=menu_item.name,
        quantity=2,
        unit_price=menu_item.price + option.price_delta,
        currency="EUR",
        options=(ChosenOption(group.id, group.name, option.id, option.name, option.price_delta),),
        notes="no basil",
    )


# --- the menu copy --------------------------------------------------------------------------


async def test_an_item_is_kept_only_if_newer_than_the_copys(store: DocumentStore) -> None:
    items = MenuItemRepository(store.collection("menu_items"))
    tenant = uuid.uuid4()
    first = item(version=2)

    kept_first = await items.put(tenant, first, now=NOW)
    kept_newer = await items.put(tenant, replace(first, price=1200, version=3), now=NOW)
    kept_same = await items.put(tenant, replace(first, price=1, version=3), now=NOW)
    kept_older = await items.put(tenant, replace(first, price=2, version=1), now=NOW)

    assert (kept_first, kept_newer, kept_same, kept_older) == (True, True, False, False)
    assert await items.get(tenant, first.id) == replace(first, price=1200, version=3)


async def test_a_deleted_item_stays_deleted_whatever_comes_after(store: DocumentStore) -> None:
    items = MenuItemRepository(store.collection("menu_items"))
    tenant = uuid.uuid4()
    gone = item("Tartare", version=4)
    await items.put(tenant, gone, now=NOW)

    await items.bury(tenant, gone.id, now=NOW)
    resurrected = await items.put(tenant, replace(gone, version=99), now=NOW)

    assert resurrected is False
    assert await items.get(tenant, gone.id) is None
    assert await items.version_of(tenant, gone.id) == TOMBSTONE_VERSION
    assert await items.menu(tenant) == ([], True)


async def test_a_deletion_before_the_item_was_copied_is_kept_too(store: DocumentStore) -> None:
    items = MenuItemRepository(store.collection("menu_items"))
    tenant = uuid.uuid4()
    late = item()

    await items.bury(tenant, late.id, now=NOW)

    assert await items.put(tenant, late, now=NOW) is False
    assert await items.menu(tenant) == ([], True)


async def test_a_menu_is_one_restaurants_by_name(store: DocumentStore) -> None:
    items = MenuItemRepository(store.collection("menu_items"))
    tenant, other = uuid.uuid4(), uuid.uuid4()
    fries, burrata, theirs = item("Fries"), item("Burrata"), item("Their dish")
    for menu_item in (fries, burrata):
        await items.put(tenant, menu_item, now=NOW)
    await items.put(other, theirs, now=NOW)

    assert await items.menu(tenant) == ([burrata, fries], True)
    assert await items.menu(uuid.uuid4()) == ([], False)
    assert await items.get(tenant, theirs.id) is None
    assert await items.version_of(tenant, theirs.id) is None


# --- conversations --------------------------------------------------------------------------


async def test_a_conversation_reads_back_as_written_in_its_restaurant_only(
    store: DocumentStore,
) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    burrata = item()
    line = draft_line(burrata)
    message = Message(
        Speaker.ASSISTANT,
        "Burrata costs €11.50.",
        NOW,
        facts=(Fact.of(burrata),),
        tool_calls=(ToolCall("search_menu", {"query": "burrata"}, "ok"),),
        answered_by="llm",
    )
    written = replace(
        conversation(),
        messages=(message,),
        draft=Draft(uuid.uuid4(), DraftStatus.SUBMITTED, (line,), submitted_at=NOW),
        revision=1,
    )
    await conversations.add(written)

    read = await conversations.get(written.tenant_id, written.id, now=NOW)

    assert read == written
    assert read is not None
    assert read.created_at.tzinfo is not None
    assert await conversations.get(uuid.uuid4(), written.id, now=NOW) is None


async def test_an_expired_conversation_is_not_read_and_is_swept(store: DocumentStore) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    expired = conversation(expires_in=timedelta(minutes=1))
    kept = conversation(expires_in=timedelta(days=1))
    for each in (expired, kept):
        await conversations.add(each)
    later = NOW + timedelta(minutes=2)

    invisible = await conversations.get(expired.tenant_id, expired.id, now=later)
    swept = await conversations.delete_expired(now=later)

    assert invisible is None
    assert swept >= 1
    assert await conversations.get(expired.tenant_id, expired.id, now=NOW) is None
    assert await conversations.get(kept.tenant_id, kept.id, now=later) == kept


async def test_messages_are_appended_in_order_up_to_the_cap(store: DocumentStore) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    opened = conversation()
    await conversations.add(opened)
    question = Message(Speaker.GUEST, "Hello", NOW)
    answer = Message(Speaker.ASSISTANT, "Hello! Ask me about our dishes.", NOW)
    later = NOW + timedelta(days=30, minutes=1)

    first = await conversations.add_messages(
        opened, [question, answer], now=NOW, expires_at=later, max_messages=4
    )
    second = await conversations.add_messages(
        opened, [question, answer], now=NOW, expires_at=later, max_messages=4
    )
    third = await conversations.add_messages(
        opened, [question, answer], now=NOW, expires_at=later, max_messages=4
    )

    read = await conversations.get(opened.tenant_id, opened.id, now=NOW)
    assert (first, second, third) == (True, True, False)
    assert read is not None
    assert read.messages == (question, answer, question, answer)
    assert read.expires_at == later


async def test_a_draft_is_saved_only_over_the_revision_it_was_read_at(
    store: DocumentStore,
) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    opened = conversation()
    await conversations.add(opened)
    one = Draft(uuid.uuid4(), lines=(draft_line(item()),))
    other = Draft(uuid.uuid4())
    later = NOW + timedelta(days=30)

    saved = await conversations.save_draft(opened, one, now=NOW, expires_at=later)
    stale = await conversations.save_draft(opened, other, now=NOW, expires_at=later)

    read = await conversations.get(opened.tenant_id, opened.id, now=NOW)
    assert (saved, stale) == (True, False)
    assert read is not None
    assert (read.draft, read.revision) == (one, 1)


async def test_a_draft_is_found_by_its_id_in_its_restaurant(store: DocumentStore) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    draft = Draft(uuid.uuid4())
    opened = replace(conversation(), draft=draft)
    await conversations.add(opened)

    found = await conversations.with_draft(opened.tenant_id, draft.id, now=NOW)

    assert found == opened
    assert await conversations.with_draft(uuid.uuid4(), draft.id, now=NOW) is None


async def test_waiting_drafts_come_longest_waiting_first_a_page_at_a_time(
    store: DocumentStore,
) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    tenant = uuid.uuid4()
    waiting = []
    for minutes in (3, 1, 2, 2):
        submitted = Draft(
            uuid.uuid4(), DraftStatus.SUBMITTED, submitted_at=NOW + timedelta(minutes=minutes)
        )
        waiting.append(replace(conversation(guest(tenant)), draft=submitted))
    still_open = replace(conversation(guest(tenant)), draft=Draft(uuid.uuid4()))
    elsewhere = replace(
        conversation(), draft=Draft(uuid.uuid4(), DraftStatus.SUBMITTED, submitted_at=NOW)
    )
    for each in [*waiting, still_open, elsewhere]:
        await conversations.add(each)

    pages = []
    after = None
    while True:
        page = await conversations.waiting_drafts(
            tenant, PageRequest(limit=3, after=after), now=NOW
        )
        pages.append([c.id for c in page.items])
        if page.next_after is None:
            break
        after = page.next_after

    def order(c: Conversation) -> tuple[datetime, str]:
        assert c.draft is not None
        assert c.draft.submitted_at is not None
        return (c.draft.submitted_at, str(c.draft.id))

    expected = [c.id for c in sorted(waiting, key=order)]
    assert pages == [expected[:3], expected[3:]]


async def test_a_conversation_is_deleted_in_its_restaurant_only(store: DocumentStore) -> None:
    conversations = ConversationRepository(store.collection("conversations"))
    opened = conversation()
    await conversations.add(opened)

    elsewhere = await conversations.delete(uuid.uuid4(), opened.id)
    deleted = await conversations.delete(opened.tenant_id, opened.id)

    assert (elsewhere, deleted) == (False, True)
    assert await conversations.get(opened.tenant_id, opened.id, now=NOW) is None


# --- the inbox, retention, the engine itself ------------------------------------------------


def event() -> Event:
    return Event.new(
        source="inventory",
        type="product.deleted",
        data={"id": str(uuid.uuid4())},
        tenant_id=str(uuid.uuid4()),
        correlation_id="contract",
    )


async def test_the_inbox_runs_a_handler_once_per_consumer_and_event(store: DocumentStore) -> None:
    handled: list[tuple[str, str]] = []
    inbox = MongoInbox(store.collection("inbox"), "the work")

    async def handler(work: str, received: Event) -> None:
        handled.append((work, received.id))

    consumer = f"consumer-{uuid.uuid4().hex[:8]}"
    once = event()
    first = await inbox.handle_once(consumer, once, handler)
    repeat = await inbox.handle_once(consumer, once, handler)
    by_another = await inbox.handle_once(f"{consumer}-b", once, handler)

    assert (first, repeat, by_another) == (True, False, True)
    assert handled == [("the work", once.id), ("the work", once.id)]


async def test_a_failed_handler_is_run_again_on_the_next_delivery(store: DocumentStore) -> None:
    inbox = MongoInbox(store.collection("inbox"), None)
    attempts = []

    async def failing_once(_: None, received: Event) -> None:
        attempts.append(received.id)
        if len(attempts) == 1:
            raise RuntimeError("store blip")

    consumer = f"consumer-{uuid.uuid4().hex[:8]}"
    again = event()
    with pytest.raises(RuntimeError):
        await inbox.handle_once(consumer, again, failing_once)

    assert await inbox.handle_once(consumer, again, failing_once) is True
    assert len(attempts) == 2


async def test_the_inbox_forgets_old_events_of_one_consumer(store: DocumentStore) -> None:
    inbox = MongoInbox(store.collection("inbox"), None)

    async def nothing(_: None, __: Event) -> None: ...

    consumer, other = f"c-{uuid.uuid4().hex[:8]}", f"c-{uuid.uuid4().hex[:8]}"
    old = event()
    await inbox.handle_once(consumer, old, nothing)
    await inbox.handle_once(other, old, nothing)

    forgotten = await inbox.forget(consumer, datetime.now(UTC) + timedelta(seconds=1))

    assert forgotten == 1
    assert await inbox.handle_once(consumer, old, nothing) is True
    assert await inbox.handle_once(other, old, nothing) is False


async def test_a_restaurants_retention_is_kept(store: DocumentStore) -> None:
    retention = RetentionRepository(store.collection("restaurants"))
    tenant = uuid.uuid4()

    before = await retention.get(tenant)
    await retention.set(tenant, 7, now=NOW)
    await retention.set(tenant, 9, now=NOW)

    assert (before, await retention.get(tenant)) == (None, timedelta(days=9))


async def test_a_second_document_with_the_same_id_is_refused(store: DocumentStore) -> None:
    collection = store.collection("inbox")
    key = f"contract:{uuid.uuid4()}"
    await collection.insert_one({"_id": key, "consumer": "contract", "handled_at": NOW})

    with pytest.raises(DuplicateDocument):
        await collection.insert_one({"_id": key, "consumer": "contract", "handled_at": NOW})


async def test_the_store_answers_the_readiness_check(store: DocumentStore) -> None:
    await store.ping()
