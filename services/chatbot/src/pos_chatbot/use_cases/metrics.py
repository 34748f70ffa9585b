"""What the chatbot counts for operators: its LLM capacity, what it turned away, how it answered."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

LLM_IN_FLIGHT = Gauge("pos_chatbot_llm_in_flight", "LLM calls running now.")
LLM_WAITING = Gauge("pos_chatbot_llm_waiting", "Questions waiting for an LLM slot.")
TURNED_AWAY = Counter(
    "pos_chatbot_turned_away_total",
    "Questions refused at once: reason busy (503, bulkhead full) or rate_limited (429).",
    ["reason"],
)
ANSWERS = Counter(
    "pos_chatbot_answers_total",
    "Answers given, by who answered: llm, embedded (configured so), or embedded after an "
    "LLM timeout, error, open circuit or a reply grounding refused whole.",
    ["answered_by"],
)
GROUNDING = Counter(
    "pos_chatbot_grounding_total",
    "Sentences grounding changed or refused, by problem.",
    ["problem"],
)
MENU_CATCH_UPS = Counter(
    "pos_chatbot_menu_catch_ups_total",
    "Catch-ups of a restaurant's menu copy from inventory, by outcome.",
    ["outcome"],
)
