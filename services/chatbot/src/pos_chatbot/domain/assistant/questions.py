"""Reading a guest's question: what they want to know, about what, under which conditions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pos_chatbot.domain.assistant.retrieval import Filters
from pos_chatbot.domain.assistant.vocabulary import (
    ALLERGENS,
    AVOID_AFTER,
    AVOID_BEFORE,
    BUDGET_RE,
    FREE_OF,
    INTENTS,
    STOPWORDS,
    TAGS,
    Intent,
    canonical_word,
)
from pos_chatbot.domain.language import Word, detect_language, fold, words
from pos_chatbot.domain.money import parse_number

_INTENT_WORDS = frozenset(w for phrases in INTENTS.values() for p in phrases for w in p.split())
# How far back an "avoid" word reaches: "without any nuts", "sans fruits a coque".
_AVOID_REACH = 3


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    intents: frozenset[Intent]
    filters: Filters
    # The words left to name a dish with, canonical, and as the guest wrote them.
    subject: tuple[str, ...]
    subject_as_written: str
    # How the guest wrote what to avoid ("nuts", "noix"), to say it back.
    avoid_as_written: tuple[str, ...]


def _phrase_at(found: list[Word], index: int, phrases: Mapping[str, object]) -> int:
    """The length (in words) of the longest phrase of `phrases` starting at `index`, or 0."""
    for length in (3, 2, 1):
        if index + length <= len(found):
            phrase = " ".join(w.folded for w in found[index : index + length])
            if phrase in phrases:
                return length
    return 0


def read_question(text: str, currency: str | None) -> Question:
    found = words(text)
    padded = f" {' '.join(w.folded for w in found)} "
    intents = frozenset(
        intent
        for intent, phrases in INTENTS.items()
        if any(f" {phrase} " in padded for phrase in phrases)
    )
    budget = None
    budget_match = BUDGET_RE.search(fold(text))
    if budget_match and currency:
        budget = parse_number(budget_match.group("amount"), currency)
    budget_words = set(budget_match.group(0).split()) if budget_match else set()

    tags: set[str] = set()
    avoid: set[str] = set()
    contains: set[str] = set()
    avoid_written: list[str] = []
    used: set[int] = set()
    index = 0
    while index < len(found):
        word = found[index]
        if word.folded in FREE_OF:
            avoid |= FREE_OF[word.folded]
            avoid_written.append(word.text)
            used.add(index)
        elif length := _phrase_at(found, index, TAGS):
            tags.add(TAGS[" ".join(w.folded for w in found[index : index + length])])
            used.update(range(index, index + length))
            index += length
            continue
        elif length := _phrase_at(found, index, ALLERGENS):
            phrase = found[index : index + length]
            allergens = ALLERGENS[" ".join(w.folded for w in phrase)]
            before = {w.folded for w in found[max(0, index - _AVOID_REACH) : index]}
            after = found[index + length].folded if index + length < len(found) else ""
            if before & AVOID_BEFORE or after in AVOID_AFTER:
                avoid |= allergens
                avoid_written.append(" ".join(w.text for w in phrase))
                used.update(range(index, index + length))
            elif Intent.ALLERGENS not in intents:
                # "Do you have fish?": dishes that contain it. Asked of a named dish
                # ("does the burger contain gluten?") it stays a question about the dish.
                contains |= allergens
            index += length
            continue
        index += 1

    subject = [
        (i, w)
        for i, w in enumerate(found)
        if i not in used
        and w.folded not in STOPWORDS
        and w.folded not in _INTENT_WORDS
        and w.folded not in AVOID_BEFORE | AVOID_AFTER
        and w.folded not in budget_words
        and not w.folded.isdigit()
    ]
    return Question(
        text=text,
        language=detect_language(text),
        intents=intents,
        filters=Filters(
            tags=frozenset(tags),
            avoid=frozenset(avoid),
            contains=frozenset(contains),
            budget=budget,
        ),
        subject=tuple(canonical_word(w.folded) for _, w in subject),
        subject_as_written=" ".join(w.text for _, w in subject),
        avoid_as_written=tuple(avoid_written),
    )
