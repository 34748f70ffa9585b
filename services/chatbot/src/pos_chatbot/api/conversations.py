"""Conversations: open one, ask in it (JSON or Server-Sent Events), read it, delete it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from fastapi.responses import StreamingResponse

from pos_chatbot.api.dependencies import CurrentCaller, UseCases
from pos_chatbot.api.schemas import ConversationOut, MessageIn, ReplyOut
from pos_chatbot.api.streaming import EVENT_STREAM, reply_events
from pos_kit.negotiation import preferred_media_type

router = APIRouter(prefix="/api/v1/chat/conversations", tags=["conversations"])

JSON = "application/json"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationOut)
async def open_conversation(
    caller: CurrentCaller, use_cases: UseCases, response: Response
) -> ConversationOut:
    """A guest's conversation is their table's (from their token); staff open their own."""
    conversation = await use_cases.conversations.open(caller)
    response.headers["Location"] = f"{router.prefix}/{conversation.id}"
    return ConversationOut.model_validate(conversation)


@router.get("/{conversation_id}", response_model=ConversationOut)
async def read_conversation(
    conversation_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> ConversationOut:
    conversation = await use_cases.conversations.get(caller, conversation_id)
    return ConversationOut.model_validate(conversation)


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_conversation(
    conversation_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> Response:
    await use_cases.conversations.delete(caller, conversation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{conversation_id}/messages",
    response_model=ReplyOut,
    responses={
        200: {"content": {EVENT_STREAM: {}}, "description": "JSON, or a stream when asked."},
        429: {"description": "Too many questions from this guest or restaurant (Retry-After)."},
        503: {"description": "The assistant is at capacity; ask again (Retry-After)."},
    },
)
async def ask(
    conversation_id: uuid.UUID,
    body: MessageIn,
    caller: CurrentCaller,
    use_cases: UseCases,
    accept: Annotated[str | None, Header()] = None,
) -> ReplyOut | StreamingResponse:
    """The assistant's answer, checked against the menu; with `Accept: text/event-stream`,
    streamed sentence by sentence."""
    turn = await use_cases.answers.ask(caller, conversation_id, body.text)
    if preferred_media_type(accept, [JSON, EVENT_STREAM]) == EVENT_STREAM:
        return StreamingResponse(
            reply_events(turn),
            media_type=EVENT_STREAM,
            # Proxies must pass each event on as it comes, not gather the answer.
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return ReplyOut.model_validate(await turn.reply())
