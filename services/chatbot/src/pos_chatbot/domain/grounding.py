"""Grounding: no reply reaches a guest naming a dish or a price the menu copy does not hold.

Every reply, from either provider, is checked one sentence at a time before it is sent
(a stream is held back per sentence):

- Dish names written in bold (`**Name**`, as the LLM is told to write them) must be
  the copy's names; a near miss ("Bistro Burguer" for "Bistro burger") is corrected, anything
  else refuses the sentence. Bold is then removed: replies are plain text.
- Names not marked are caught two more ways: a capitalised word inside a sentence, or
  a word from a lexicon of dish words, that neither the menu nor the guest's question
  uses refuses the sentence ("our Truffle Lobster Risotto", "a lovely lobster bisque").
- Every amount must be the price of an item the sentence (or, for "it costs...", the
  sentence before) names, one of its options' prices, a total of the guest's draft, or
  the budget the guest gave, said as a budget ("under €15.00"). A wrong amount for a
  single named item is corrected to the copy's price; otherwise the sentence is refused.
- A sold-out item mentioned without saying so gets a "sold out right now" note.

German capitalises every noun, so there the capital-letter check is left out and the
bold names, the lexicon and the prices do the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from pos_chatbot.domain.assistant.phrases import SOLD_OUT_NOTE, SOLD_OUT_WORDS
from pos_chatbot.domain.assistant.vocabulary import BUDGET_WORDS, DISH_LEXICON, canonical_word
from pos_chatbot.domain.language import Word, fold, words
from pos_chatbot.domain.menu import Menu, MenuItem
from pos_chatbot.domain.money import amounts_in, format_amount

_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
# How alike a bold name must be to a menu name to be taken for it (difflib's ratio).
NAME_CUTOFF = 0.85
# A budget word just before an amount, perhaps with one word between ("under your").
BUDGET_BEFORE_RE = re.compile(rf"(?<!\w)(?:{BUDGET_WORDS})\s+(?:\w+\s+)?$")
# Words that are not names though capitalised mid-sentence.
_ALWAYS_CAPITALISED = frozenset({"i", "ok", "okay"})


class Problem(StrEnum):
    """Why a sentence was changed or refused (counted for operators)."""

    UNKNOWN_DISH = "unknown_dish"
    WRONG_PRICE = "wrong_price"
    NAME_CORRECTED = "name_corrected"
    PRICE_CORRECTED = "price_corrected"
    SOLD_OUT_NOTED = "sold_out_noted"


@dataclass(frozen=True)
class Checked:
    """A sentence after the check: its text to send, or None when it was refused."""

    text: str | None
    named: tuple[MenuItem, ...] = ()
    problems: tuple[Problem, ...] = ()


def _name_forms(item: MenuItem) -> list[list[str]]:
    """The folded word sequences that name an item: its name, and without its brackets."""
    full = [w.folded for w in words(item.name)]
    short = [w.folded for w in words(item.name.split("(")[0])]
    return [full, short] if short and short != full else [full]


@dataclass
class Grounding:
    """Checks the sentences of one reply, in order, against one restaurant's menu."""

    menu: Menu
    question: str
    language: str
    # The guest's budget, in minor units, if they gave one.
    budget: int | None = None
    # The totals of the guest's draft: true amounts besides the menu's prices.
    draft_amounts: set[int] = field(default_factory=set)
    _previous: tuple[MenuItem, ...] = field(default=(), init=False)
    _known_words: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        known: set[str] = {w.folded for w in words(self.question)}
        for item in self.menu.items:
            texts = [item.name, item.description, *item.tags, *item.allergens]
            for group in item.modifier_groups:
                texts += [group.name, *(option.name for option in group.options)]
            for text in texts:
                known.update(w.folded for w in words(text))
        # "Käse" is known to a menu that says "cheese": compare the canonical dish words.
        self._known_words = frozenset(known | {canonical_word(word) for word in known})

    def check(self, sentence: str) -> Checked:
        problems: list[Problem] = []
        text = self._unmark_names(sentence, problems)
        if text is None:
            return Checked(None, problems=(Problem.UNKNOWN_DISH,))
        found = words(text)
        named, covered = self._named(found)
        if self._names_an_unknown_dish(found, covered):
            return Checked(None, problems=(Problem.UNKNOWN_DISH,))
        text = self._check_amounts(text, named, problems)
        if text is None:
            return Checked(None, problems=(Problem.WRONG_PRICE,))
        text = self._note_sold_out(text, named, problems)
        if named:
            self._previous = named
        return Checked(text, named, tuple(problems))

    def _unmark_names(self, sentence: str, problems: list[Problem]) -> str | None:
        refused = False

        def resolve(match: re.Match[str]) -> str:
            nonlocal refused
            written = match.group(1).strip()
            folded = [w.folded for w in words(written)]
            for item in self.menu.items:
                if folded in _name_forms(item):
                    return item.name
            closest = self._closest(fold(written))
            if closest is None:
                refused = True
                return written
            problems.append(Problem.NAME_CORRECTED)
            return closest.name

        text = _BOLD_RE.sub(resolve, sentence)
        return None if refused else text

    def _closest(self, written: str) -> MenuItem | None:
        """The one item whose name is spelled nearly as written, or None."""
        scored = sorted(
            (
                (SequenceMatcher(None, written, fold(item.name)).ratio(), item)
                for item in self.menu.items
            ),
            key=lambda pair: -pair[0],
        )
        if not scored or scored[0][0] < NAME_CUTOFF:
            return None
        if len(scored) > 1 and scored[1][0] >= NAME_CUTOFF:
            return None  # two dishes spelled alike: guessing could name the wrong one
        return scored[0][1]

    def _named(self, found: list[Word]) -> tuple[tuple[MenuItem, ...], set[int]]:
        """The items whose names the sentence writes out, and the words those names cover."""
        folded = [w.folded for w in found]
        named: dict[MenuItem, int] = {}  # where each is first named
        covered: set[int] = set()
        forms = sorted(
            ((form, item) for item in self.menu.items for form in _name_forms(item)),
            key=lambda pair: -len(pair[0]),
        )
        for form, item in forms:
            size = len(form)
            for start in range(len(folded) - size + 1):
                span = set(range(start, start + size))
                if folded[start : start + size] == form and not span & covered:
                    covered |= span
                    named[item] = min(start, named.get(item, start))
        in_order = sorted(named, key=lambda item: named[item])
        return tuple(in_order), covered

    def _names_an_unknown_dish(self, found: list[Word], covered: set[int]) -> bool:
        for index, word in enumerate(found):
            if index in covered or canonical_word(word.folded) in self._known_words:
                continue
            if word.folded in DISH_LEXICON:
                return True
            capitalised = word.text[:1].isupper() and word.folded not in _ALWAYS_CAPITALISED
            if capitalised and index > 0 and self.language != "de":
                return True
        return False

    def _check_amounts(
        self, text: str, named: tuple[MenuItem, ...], problems: list[Problem]
    ) -> str | None:
        """`text` with its amounts checked; None if one is wrong and cannot be put right.

        A sentence naming no item may state the prices of the one before ("It costs
        €16.50."), but is never corrected: which item it means is a guess.
        """
        currency = self.menu.currency
        if currency is None:
            return text
        items = list(named or self._previous)
        true_amounts = set(self.draft_amounts)
        for item in items:
            true_amounts.add(item.price)
            for group in item.modifier_groups:
                for option in group.options:
                    true_amounts |= {option.price_delta, abs(option.price_delta)}
                    true_amounts.add(item.price + option.price_delta)
        corrected = text
        for match, amount in reversed(amounts_in(text, currency)):
            if amount in true_amounts or self._is_the_budget(amount, text[: match.start()]):
                continue
            if len(named) != 1:
                return None
            right = format_amount(named[0].price, named[0].currency, self.language)
            corrected = corrected[: match.start()] + right + corrected[match.end() :]
            problems.append(Problem.PRICE_CORRECTED)
        return corrected

    def _is_the_budget(self, amount: int, said_before: str) -> bool:
        """The guest's budget, said back as one ("under your €15.00", "jusqu'à 15 €")."""
        return amount == self.budget and bool(BUDGET_BEFORE_RE.search(fold(said_before)))

    def _note_sold_out(
        self, text: str, named: tuple[MenuItem, ...], problems: list[Problem]
    ) -> str:
        sold_out = [item.name for item in named if not item.available]
        folded = fold(text)
        if not sold_out or any(phrase in folded for phrase in SOLD_OUT_WORDS):
            return text
        problems.append(Problem.SOLD_OUT_NOTED)
        note = f" ({SOLD_OUT_NOTE.get(self.language, SOLD_OUT_NOTE['en'])}: {', '.join(sold_out)})"
        body = text.rstrip()
        if body[-1:] in ".!?":
            return body[:-1] + note + body[-1]
        return body + note


class SentenceBuffer:
    """Collects a streamed reply and hands out whole sentences, so each can be checked."""

    def __init__(self) -> None:
        self._pending = ""

    def feed(self, chunk: str) -> list[str]:
        self._pending += chunk
        parts = _SENTENCE_END_RE.split(self._pending)
        self._pending = parts.pop()
        return [part for part in parts if part.strip()]

    def flush(self) -> list[str]:
        rest, self._pending = self._pending, ""
        return [rest] if rest.strip() else []
