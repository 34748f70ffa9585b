"""Finding dishes in one restaurant's menu: by name (typos allowed), or ranked by BM25.

Names are matched word by word: a guest's word matches a name's word when it is the
same folded word, a synonym ("chips" for "fries"), or a close spelling ("risoto").
A search ranks items with BM25 over their name, tags and description (the name
weighs most), after the hard filters: dietary tags, allergens to avoid, a budget.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pos_chatbot.domain.assistant.vocabulary import (
    STOPWORDS,
    TAG_IMPLIED_BY,
    canonical_allergens,
    canonical_tag,
    canonical_word,
)
from pos_chatbot.domain.language import folded_words
from pos_chatbot.domain.menu import Menu, MenuItem

# How alike two spellings must be to count as the same word (difflib's ratio).
SPELLING_CUTOFF = 0.8
# Words shorter than this must be spelled right: "tea" is not "pea".
MIN_FUZZY_LENGTH = 4
# The share of a dish name's words a question must contain to name the dish.
NAMED_SHARE = 0.5
FIELD_WEIGHTS = {"name": 3.0, "tags": 2.0, "description": 1.0}
_K1, _B = 1.2, 0.75


def content_words(text: str) -> list[str]:
    """The words of `text` that carry meaning, in their canonical form."""
    return [canonical_word(w) for w in folded_words(text) if w not in STOPWORDS]


def same_word(written: str, known: str) -> bool:
    if written == known:
        return True
    if min(len(written), len(known)) < MIN_FUZZY_LENGTH:
        return False
    return SequenceMatcher(None, written, known).ratio() >= SPELLING_CUTOFF


def _name_words(item: MenuItem) -> list[str]:
    # "House red (glass)": the words in brackets qualify the dish, they do not name it.
    name = item.name.split("(")[0]
    return content_words(name) or content_words(item.name)


@dataclass(frozen=True)
class Filters:
    """What a guest asked every answer to satisfy."""

    tags: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()
    contains: frozenset[str] = frozenset()
    budget: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.tags or self.avoid or self.contains or self.budget is not None)

    def admit(self, item: MenuItem) -> bool:
        tags = {canonical_tag(tag) for tag in item.tags}
        for wanted in self.tags:
            if wanted not in tags and not (TAG_IMPLIED_BY.get(wanted, frozenset()) & tags):
                return False
        allergens: set[str] = set()
        for allergen in item.allergens:
            allergens |= canonical_allergens(allergen)
        if self.avoid & allergens:
            return False
        if self.contains and not self.contains <= allergens:
            return False
        return self.budget is None or item.price <= self.budget


@dataclass
class MenuIndex:
    """One menu, indexed for the questions of one turn."""

    menu: Menu
    _documents: list[tuple[MenuItem, dict[str, Counter[str]]]] = field(init=False)
    _document_frequency: Counter[str] = field(init=False)
    _average_length: float = field(init=False)
    vocabulary: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self._documents = []
        self._document_frequency = Counter()
        lengths = []
        for item in self.menu.items:
            fields = {
                "name": Counter(_name_words(item)),
                "tags": Counter(canonical_tag(tag) for tag in item.tags),
                "description": Counter(content_words(item.description)),
            }
            self._documents.append((item, fields))
            terms = set().union(*(counter.keys() for counter in fields.values()))
            self._document_frequency.update(terms)
            lengths.append(sum(sum(counter.values()) for counter in fields.values()))
        self._average_length = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.vocabulary = frozenset(self._document_frequency)

    def named(self, words: Iterable[str]) -> list[MenuItem]:
        """The dishes the words name best (ties all kept), or none.

        Best is the largest share of the name's words, then the most words, then the
        most spelled exactly: "steak frites" names Steak frites, not Fries, though
        "frites" alone would be fries; "tartare" names Steak tartare, not Tarte tatin.
        """
        written = list(words)
        best: list[MenuItem] = []
        best_score: tuple[float, int, int] = (NAMED_SHARE, 0, 0)
        for item in self.menu.items:
            name = _name_words(item)
            if not name:
                continue
            found = sum(1 for known in name if any(same_word(w, known) for w in written))
            exact = sum(1 for known in name if known in written)
            score = (found / len(name), found, exact)
            if score < best_score:
                continue
            if score > best_score:
                best, best_score = [], score
            best.append(item)
        return best

    def search(
        self, words: Iterable[str], filters: Filters, *, words_required: bool = False
    ) -> list[MenuItem]:
        """Items passing the filters, best match first; by price when no words rank them.

        Words the menu does not know are left out; with `words_required`, an item must
        match at least one word (a guess at a dish the guest named loosely).
        """
        terms = self._known_terms(words)
        admitted = [(item, fields) for item, fields in self._documents if filters.admit(item)]
        if not terms and words_required:
            return []
        if not terms:
            return sorted((item for item, _ in admitted), key=lambda item: (item.price, item.name))
        scored = [(self._score(terms, fields), item) for item, fields in admitted]
        ranked = sorted(
            ((score, item) for score, item in scored if score > 0),
            key=lambda pair: (-pair[0], pair[1].price, pair[1].name),
        )
        return [item for _, item in ranked]

    def _known_terms(self, words: Iterable[str]) -> list[str]:
        """Each word as the menu spells it; words the menu does not know are dropped."""
        terms = []
        for word in words:
            if word in self.vocabulary:
                terms.append(word)
                continue
            close = [known for known in self.vocabulary if same_word(word, known)]
            if close:
                terms.append(
                    max(close, key=lambda known: SequenceMatcher(None, word, known).ratio())
                )
        return terms

    def _score(self, terms: list[str], fields: dict[str, Counter[str]]) -> float:
        length = sum(sum(counter.values()) for counter in fields.values())
        count = len(self._documents)
        score = 0.0
        for term in terms:
            frequency = sum(weight * fields[name][term] for name, weight in FIELD_WEIGHTS.items())
            if not frequency:
                continue
            documents = self._document_frequency[term]
            idf = math.log(1 + (count - documents + 0.5) / (documents + 0.5))
            norm = _K1 * (1 - _B + _B * length / self._average_length)
            score += idf * frequency * (_K1 + 1) / (frequency + norm)
        return score
