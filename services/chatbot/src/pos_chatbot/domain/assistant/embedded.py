"""The embedded assistant: intent detection and retrieval over the menu copy, no model.

It is the default provider and the fallback when the LLM times out, fails or its
circuit is open, so it must always answer, quickly, and only with what the copy says.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_chatbot.domain.assistant.phrases import PHRASES, Phrases
from pos_chatbot.domain.assistant.questions import Question, read_question
from pos_chatbot.domain.assistant.retrieval import MenuIndex
from pos_chatbot.domain.assistant.vocabulary import DISH_LEXICON, Intent
from pos_chatbot.domain.menu import Menu, MenuItem
from pos_chatbot.domain.money import format_amount

# How many dishes a list names at most, and how many a vague question is answered about.
MAX_LISTED = 5
MAX_GUESSED = 3
_ABOUT_A_DISH = frozenset({Intent.PRICE, Intent.ALLERGENS, Intent.AVAILABILITY, Intent.ORDER})


@dataclass(frozen=True)
class Answer:
    text: str
    # The items the answer states something about.
    used: tuple[MenuItem, ...] = ()


class EmbeddedAssistant:
    def answer(self, question_text: str, menu: Menu) -> Answer:
        """A question about named dishes is answered about them; one with conditions (a
        diet, a budget) or asking for ideas, with the dishes that meet them; one about a
        dish the menu cannot find, with "not on our menu"; anything else, with what the
        assistant can do."""
        question = read_question(question_text, menu.currency)
        say = PHRASES[question.language]
        if not menu.items:
            return Answer(say.empty_menu)
        index = MenuIndex(menu)
        filters = question.filters
        named = index.named(question.subject)
        searching = bool(filters.tags or filters.budget is not None) or bool(
            question.intents & {Intent.RECOMMEND, Intent.MENU}
        )
        if named and not searching:
            return self._about(named, question, say)
        if searching or filters.any:
            return self._listing(index.search(question.subject, filters), question, say)
        if question.subject and (question.intents & _ABOUT_A_DISH or _names_food(question)):
            found = index.search(question.subject, filters, words_required=True)[:MAX_GUESSED]
            if found:
                return self._about(found, question, say)
            return Answer(say.not_on_menu.format(what=question.subject_as_written))
        return Answer(say.greeting if Intent.GREETING in question.intents else say.help)

    def _about(self, items: list[MenuItem], question: Question, say: Phrases) -> Answer:
        """One sentence per dish, answering what the guest asked about it."""
        intents = question.intents
        sentences = []
        for item in items:
            price = format_amount(item.price, item.currency, question.language)
            if Intent.ALLERGENS in intents or question.filters.avoid or question.filters.contains:
                sentence = (
                    say.allergens.format(name=item.name, allergens=", ".join(item.allergens))
                    if item.allergens
                    else say.no_allergens.format(name=item.name)
                )
                if not item.available:
                    sentence += " " + say.sold_out.format(name=item.name)
            elif Intent.PRICE in intents:
                template = say.price if item.available else say.price_sold_out
                sentence = template.format(name=item.name, price=price)
            elif not item.available:
                sentence = say.sold_out.format(name=item.name)
            elif Intent.AVAILABILITY in intents:
                sentence = say.available.format(name=item.name, price=price)
            elif Intent.ORDER in intents:
                sentence = say.order_hint.format(name=item.name)
            elif item.description:
                sentence = say.describe.format(
                    name=item.name, price=price, description=item.description
                )
            else:
                sentence = f"{item.name} ({price})."
            sentences.append(sentence)
        return Answer(" ".join(sentences), tuple(items))

    def _listing(self, found: list[MenuItem], question: Question, say: Phrases) -> Answer:
        available = [item for item in found if item.available][:MAX_LISTED]
        if not available:
            sold_out = found[:MAX_GUESSED]
            if sold_out:
                text = " ".join(say.sold_out.format(name=item.name) for item in sold_out)
                return Answer(text, tuple(sold_out))
            return Answer(say.no_matches)
        listed = "; ".join(
            f"{item.name} ({format_amount(item.price, item.currency, question.language)})"
            for item in available
        )
        criteria = self._criteria(question, say, available[0].currency)
        return Answer(say.matches.format(criteria=criteria, items=listed), tuple(available))

    @staticmethod
    def _criteria(question: Question, say: Phrases, currency: str) -> str:
        """The guest's conditions said back: " (vegan, without nuts, up to €15.00)"."""
        filters = question.filters
        parts = [say.tags.get(tag, tag) for tag in sorted(filters.tags)]
        parts += [say.without.format(what=what) for what in question.avoid_as_written]
        if filters.budget is not None:
            budget = format_amount(filters.budget, currency, question.language)
            parts.append(say.up_to.format(price=budget))
        return f" ({', '.join(parts)})" if parts else ""


def _names_food(question: Question) -> bool:
    """Whether a question with no other sign of intent names something to eat or drink."""
    return any(word in DISH_LEXICON for word in question.subject)
