"""How the processor's failures are read: only a refusal is final; anything unknown waits."""

from __future__ import annotations

import pytest
import stripe

from pos_payment.adapters.processors import NoAnswer, Refused, read_failure


@pytest.mark.parametrize(
    "failure",
    [
        TimeoutError(),
        stripe.APIConnectionError("connection reset"),
        stripe.RateLimitError("slow down", http_status=429),
        stripe.APIError("in use", http_status=409, code="idempotency_key_in_use"),
        stripe.APIError("boom", http_status=500),
        # Our parameters changed under one key: the first attempt may have charged.
        stripe.IdempotencyError("other params", http_status=400),
    ],
)
def test_an_unknown_outcome_is_no_answer_so_the_same_question_is_asked_again(
    failure: Exception,
) -> None:
    assert isinstance(read_failure("card_charge", failure), NoAnswer)


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (stripe.InvalidRequestError("No such PaymentMethod", "payment_method",
                                    code="resource_missing", http_status=400), "resource_missing"),
        (stripe.AuthenticationError("bad key", http_status=401), "AuthenticationError"),
        (stripe.PermissionError("not allowed", http_status=403), "PermissionError"),
    ],
)  # fmt: skip
def test_a_request_refused_outright_is_final_and_charged_nothing(
    failure: Exception, code: str
) -> None:
    assert read_failure("card_charge", failure) == Refused(code)


def test_a_bug_is_not_mistaken_for_an_answer() -> None:
    with pytest.raises(KeyError):
        read_failure("card_charge", KeyError("oops"))
