"""The simulator's HTTP face: Stripe's `/v1` endpoints the payment service calls, and an admin API.

`/v1/payment_intents` and `/v1/refunds` take form-encoded bodies and a
`Authorization: Bearer sk_test_...` key, and answer Stripe's objects and error
envelopes, so the official SDK runs against it unchanged. `/_simulator/...` is for
people and tests: latency, the hang, and the charges made per idempotency key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from pos_card_simulator import objects
from pos_card_simulator.config import SimulatorSettings
from pos_card_simulator.forms import MalformedParameter, decode
from pos_card_simulator.processor import Answer, Processor

TEST_KEY_PREFIX = "sk_test_"


class SettingsIn(BaseModel):
    latency_seconds: float | None = Field(default=None, ge=0)
    hang: bool | None = None


class SettingsOut(BaseModel):
    latency_seconds: float
    hang: bool
    held: int = Field(description="Requests waiting for the hang to be lifted.")


class ChargesOut(BaseModel):
    charges: dict[str, int] = Field(description="Charges executed, by idempotency key.")
    total: int


def create_app(settings: SimulatorSettings | None = None) -> FastAPI:
    processor = Processor.from_settings(settings or SimulatorSettings.from_env())
    app = FastAPI(title="Card processor simulator (Stripe API subset)")
    app.state.processor = processor
    # Requests being served: a held request keeps running when its client gives up,
    # as a real processor finishes what reached it (see `_serve`).
    running: set[asyncio.Task[Answer]] = set()

    async def _serve(
        request: Request,
        endpoint: str,
        execute: Callable[[dict[str, Any], str | None], Answer],
    ) -> JSONResponse:
        authorization = request.headers.get("authorization", "")
        api_key = authorization.removeprefix("Bearer ").strip()
        if not authorization.startswith("Bearer ") or not api_key.startswith(TEST_KEY_PREFIX):
            return _stripe_json(
                Answer(
                    401,
                    objects.error(
                        "invalid_request_error",
                        "Invalid API Key provided: use a test secret key (sk_test_...) as "
                        "'Authorization: Bearer <key>'.",
                    ),
                )
            )
        try:
            form = await request.form()
            params = decode((k, v) for k, v in form.multi_items() if isinstance(v, str))
        except MalformedParameter as exc:
            return _stripe_json(
                Answer(400, objects.error("invalid_request_error", f"Invalid parameter: {exc}"))
            )
        key = request.headers.get("idempotency-key")
        task = asyncio.create_task(
            processor.handle(endpoint, account=api_key, key=key, params=params, execute=execute)
        )
        running.add(task)
        task.add_done_callback(running.discard)
        return _stripe_json(await asyncio.shield(task), key)

    @app.post("/v1/payment_intents")
    async def create_payment_intent(request: Request) -> JSONResponse:
        return await _serve(request, "payment_intents", processor.create_payment_intent)

    @app.post("/v1/refunds")
    async def create_refund(request: Request) -> JSONResponse:
        return await _serve(request, "refunds", processor.create_refund)

    @app.get("/_simulator/settings")
    async def read_settings() -> SettingsOut:
        return _settings_of(processor)

    @app.put("/_simulator/settings")
    async def change_settings(body: SettingsIn) -> SettingsOut:
        """Set the latency, or hang (true) / release every held request (false)."""
        if body.latency_seconds is not None:
            processor.latency_seconds = body.latency_seconds
        if body.hang is not None:
            processor.hang(body.hang)
        return _settings_of(processor)

    @app.get("/_simulator/charges")
    async def charges() -> ChargesOut:
        return ChargesOut(charges=dict(processor.charges), total=sum(processor.charges.values()))

    return app


def _settings_of(processor: Processor) -> SettingsOut:
    return SettingsOut(
        latency_seconds=processor.latency_seconds, hang=processor.hanging, held=processor.held
    )


def _stripe_json(answer: Answer, key: str | None = None) -> JSONResponse:
    headers = {"Request-Id": objects.new_id("req")}
    if key is not None:
        headers["Idempotency-Key"] = key
    if answer.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)
