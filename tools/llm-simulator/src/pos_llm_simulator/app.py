"""The simulator's HTTP face: `/v1/chat/completions` and `/v1/models`, and an admin API.

`/_simulator/...` is for people and tests: the settings (latency, hang, scenario),
the script of turns to answer next, and the requests received.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from pos_llm_simulator.config import SimulatorSettings
from pos_llm_simulator.script import Fail, Scenario, Simulator, turn_from
from pos_llm_simulator.wire import chunks, completion


class SettingsIn(BaseModel):
    latency_seconds: float | None = Field(default=None, ge=0)
    hang: bool | None = None
    scenario: Scenario | None = None


class SettingsOut(BaseModel):
    # Read from the `Simulator` itself.
    model_config = ConfigDict(from_attributes=True)

    latency_seconds: float
    hang: bool = Field(validation_alias="hanging")
    scenario: str
    held: int = Field(description="Requests waiting for the hang to be lifted.")
    received: int = Field(description="Completion requests received so far.")


class ScriptIn(BaseModel):
    turns: list[dict[str, Any]] = Field(
        description='Answered in order: {"reply": text}, {"tool_calls": [{"name", '
        '"arguments"}]} or {"status": code}.'
    )


def create_app(settings: SimulatorSettings | None = None) -> FastAPI:
    settings = settings or SimulatorSettings.from_env()
    simulator = Simulator(latency_seconds=settings.latency_seconds, scenario=settings.scenario)
    simulator.hang(settings.hang)
    app = FastAPI(title="LLM simulator (OpenAI Chat Completions API)")
    app.state.simulator = simulator

    @app.post("/v1/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> Response:
        body = await request.json()
        model = str(body.get("model", "simulator"))
        turn = await simulator.answer(body)
        if isinstance(turn, Fail):
            error = {"message": turn.message, "type": "server_error", "code": None}
            return JSONResponse({"error": error}, status_code=turn.status)
        if body.get("stream"):
            return StreamingResponse(chunks(turn, model), media_type="text/event-stream")
        return JSONResponse(completion(turn, model))

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        model = {"id": "simulator", "object": "model", "owned_by": "pos"}
        return {"object": "list", "data": [model]}

    @app.get("/_simulator/settings")
    async def read_settings() -> SettingsOut:
        return SettingsOut.model_validate(simulator)

    @app.put("/_simulator/settings")
    async def change_settings(body: SettingsIn) -> SettingsOut:
        """Set the latency or the scenario, or hang (true) / release every held request (false)."""
        if body.latency_seconds is not None:
            simulator.latency_seconds = body.latency_seconds
        if body.scenario is not None:
            simulator.scenario = body.scenario
        if body.hang is not None:
            simulator.hang(body.hang)
        return SettingsOut.model_validate(simulator)

    @app.post("/_simulator/script", status_code=204)
    async def add_turns(body: ScriptIn) -> Response:
        try:
            turns = [turn_from(turn) for turn in body.turns]
        except (KeyError, TypeError, ValueError) as exc:
            return JSONResponse({"detail": f"Not a turn: {exc}"}, status_code=422)
        simulator.script(*turns)
        return Response(status_code=204)

    @app.delete("/_simulator/script", status_code=204)
    async def clear_turns() -> Response:
        simulator.clear_script()
        return Response(status_code=204)

    @app.get("/_simulator/requests")
    async def received() -> list[dict[str, Any]]:
        return simulator.requests

    @app.delete("/_simulator/requests", status_code=204)
    async def forget_requests() -> Response:
        simulator.requests.clear()
        return Response(status_code=204)

    return app
