"""The chatbot's app: its store, menu copy, assistants and limits, wired onto the kernel."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from pos_chatbot.adapters.inventory import MENU_READ_SCOPE, InventoryClient
from pos_chatbot.adapters.llm.openai_chat import OpenAIChat
from pos_chatbot.adapters.pos_core import PosCoreClient
from pos_chatbot.adapters.store import conversations, inbox, menu_items, open_store, restaurants
from pos_chatbot.adapters.store.conversations import ConversationRepository
from pos_chatbot.adapters.store.inbox import MongoInbox
from pos_chatbot.adapters.store.layout import StorePreparation
from pos_chatbot.adapters.store.menu_items import MenuItemRepository
from pos_chatbot.adapters.store.restaurants import RetentionRepository
from pos_chatbot.api import conversations as conversation_routes
from pos_chatbot.api import drafts as draft_routes
from pos_chatbot.api import events
from pos_chatbot.api import retention as retention_routes
from pos_chatbot.config import ChatbotSettings
from pos_chatbot.use_cases import ChatbotUseCases
from pos_chatbot.use_cases.admission import Bulkhead, Rate, RateLimits
from pos_chatbot.use_cases.answers import Answers, GuardedLlm, Limits
from pos_chatbot.use_cases.conversations import Conversations
from pos_chatbot.use_cases.drafts import Drafts
from pos_chatbot.use_cases.menu_copy import MenuCopy
from pos_chatbot.use_cases.retention import ExpiredConversationSweeper, Retention
from pos_kit.http import (
    BreakerPolicy,
    CircuitBreaker,
    ResilientClient,
    ServiceTokens,
    auth_client,
)
from pos_kit.kernel import ServiceKernel
from pos_kit.tokens import TokenVerifier


def _guarded(chat: OpenAIChat, settings: ChatbotSettings) -> GuardedLlm:
    return GuardedLlm(
        writer=chat,
        bulkhead=Bulkhead(
            max_concurrent=settings.llm_max_concurrency,
            queue_size=settings.llm_queue_size,
            retry_after_seconds=settings.llm_busy_retry_after_seconds,
        ),
        breaker=CircuitBreaker(
            "llm",
            BreakerPolicy(
                consecutive_failures=settings.llm_breaker_failures,
                open_seconds=settings.llm_breaker_open_seconds,
            ),
        ),
        timeout_seconds=settings.llm_timeout_seconds,
    )


def create_app(
    settings: ChatbotSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier`: tests pass one that trusts their own keys; otherwise auth's JWKS."""
    settings = settings or ChatbotSettings()
    kernel = ServiceKernel(settings, token_verifier=token_verifier, sql_database=False)
    mongodb_url = settings.mongodb_url.get_secret_value() if settings.mongodb_url else None
    store = open_store(
        mongodb_url=mongodb_url,
        embedded_path=settings.embedded_store_path,
        timeout_seconds=settings.store_timeout_seconds,
    )
    kernel.on_shutdown(store.close)  # closed last: after every worker and answer using it
    auth = auth_client(settings)
    inventory = InventoryClient(
        ResilientClient.for_downstream("inventory", settings),
        ServiceTokens.from_settings(auth, settings, scope=MENU_READ_SCOPE),
    )
    pos_core = PosCoreClient.from_settings(settings)
    conversation_repository = ConversationRepository(store.collection(conversations.COLLECTION))
    retention = Retention(
        RetentionRepository(store.collection(restaurants.COLLECTION)),
        default=timedelta(days=settings.retention_days),
    )
    menu = MenuCopy(
        MenuItemRepository(store.collection(menu_items.COLLECTION)),
        inventory,
        catch_up_interval=settings.menu_catch_up_interval_seconds,
    )
    conversation_use_cases = Conversations(conversation_repository, retention)
    drafts = Drafts(conversation_use_cases, menu, pos_core)
    llm = None
    if settings.llm_base_url:
        chat = OpenAIChat(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key.get_secret_value(),
            model=settings.llm_model,
            max_tool_rounds=settings.llm_max_tool_rounds,
            request_timeout_seconds=settings.llm_timeout_seconds,
        )
        kernel.on_shutdown(chat.aclose)
        llm = _guarded(chat, settings)
    answers = Answers(
        conversations=conversation_use_cases,
        menu=menu,
        drafts=drafts,
        rate_limits=RateLimits(
            restaurant=Rate(settings.restaurant_questions_per_second, settings.restaurant_burst),
            caller=Rate(settings.guest_questions_per_minute / 60, settings.guest_burst),
        ),
        limits=Limits(
            max_question_chars=settings.max_question_chars,
            max_messages=settings.max_messages_per_conversation,
            history_messages=settings.llm_history_messages,
        ),
        llm=llm,
    )
    use_cases = ChatbotUseCases(
        conversations=conversation_use_cases,
        answers=answers,
        drafts=drafts,
        menu=menu,
        retention=retention,
    )

    kernel.run_in_background(StorePreparation(store))
    kernel.consume(
        MongoInbox(store.collection(inbox.COLLECTION), menu), events.SUBJECTS, events.keep_menu_copy
    )
    kernel.run_in_background(
        ExpiredConversationSweeper(
            conversation_repository, interval=settings.retention_sweep_interval_seconds
        )
    )
    kernel.on_shutdown(inventory.aclose)
    kernel.on_shutdown(auth.aclose)
    kernel.on_shutdown(pos_core.aclose)
    kernel.on_shutdown(answers.stop)
    return kernel.create_app(
        title="POS chatbot",
        routers=[
            conversation_routes.router,
            draft_routes.guest_router,
            draft_routes.staff_router,
            retention_routes.router,
        ],
        use_cases=use_cases,
        readiness={"store": store.ping},
    )
