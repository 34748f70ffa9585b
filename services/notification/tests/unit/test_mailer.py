"""The Message-ID of a notification e-mail never looks like a card number."""

from __future__ import annotations

import email.utils
import uuid

from pos_kit.cards import card_numbers_in
from pos_notification.adapters.mailer import message_id


def test_message_ids_are_unique_and_hold_no_card_like_number() -> None:
    reference = str(uuid.uuid4())
    ids = [message_id(reference) for _ in range(2_000)]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"<{reference}.") and i.endswith("@pos.localhost>") for i in ids)
    assert [i for i in ids if any(card_numbers_in(i))] == []


def test_the_standard_library_s_message_ids_would_not_do() -> None:
    """Why the mailer makes its own: about one in ten of these carries a Luhn-valid run
    of digits, which the end-to-end card audit found in the mail sink."""
    ids = [email.utils.make_msgid(domain="pos.localhost") for _ in range(2_000)]
    assert sum(1 for i in ids if any(card_numbers_in(i))) > 20
