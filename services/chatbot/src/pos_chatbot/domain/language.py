"""The guest's words: which language they write in, and their words folded for matching.

Matching folds case and accents ("Crème brûlée" and "creme brulee" are the same words),
so a guest who types without accents still finds the dish.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENGLISH = "en"

# A word, with an apostrophe inside (straight or typographic: "l'oignon", "I\u2019d").
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)


def word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list (how word lists are written here)."""
    return frozenset(text.split())


# Words frequent in one language and rare in the others: enough to tell the four apart
# in a short question.
_MARKERS: dict[str, frozenset[str]] = {
    "en": word_set(
        """
        the is are what which do does you have any anything with without how much price cost
        i we a an of it this that there please can could would under
        """
    ),
    "fr": word_set(
        """
        le la les est sont quel quelle vous avez un une des du de avec sans combien prix je
        nous ce cette il y a est-ce qu que moins plat plats quoi
        """
    ),
    "de": word_set(
        """
        der die das ist sind was welche habt haben sie ihr ein eine mit ohne wie viel kostet
        preis ich wir es gibt bitte unter nicht und
        """
    ),
    "es": word_set(
        """
        el la los las es son que cual tienen teneis un una con sin cuanto cuesta precio yo
        nosotros hay por favor menos de algo plato platos
        """
    ),
}


def fold(text: str) -> str:
    """Lower case without accents: the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Word:
    """A word of a text: as written, folded, and where it is."""

    text: str
    folded: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [
        Word(m.group(0), fold(m.group(0)).replace("\u2019", "'"), m.start(), m.end())
        for m in _WORD_RE.finditer(text)
    ]


def folded_words(text: str) -> list[str]:
    return [w.folded for w in words(text)]


def detect_language(text: str) -> str:
    """The language of a question among those the assistant speaks; English when unsure."""
    found = folded_words(text)
    scores = {
        language: sum(1 for word in found if word in markers)
        for language, markers in _MARKERS.items()
    }
    best = max(scores, key=lambda language: (scores[language], language == ENGLISH))
    return best if scores[best] > scores[ENGLISH] else ENGLISH
