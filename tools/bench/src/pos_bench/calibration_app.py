"""`python -m pos_bench.calibration_app`: what this machine serves at all, for scale.

Two endpoints on the stack the services use (FastAPI on uvicorn, one process):
`GET /hello` answers a small JSON document, `POST /insert` runs one INSERT in its own
transaction through an asyncpg pool. Every figure of a run is also shown as a ratio of
these, so runs on different machines can be read side by side.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import uvicorn
from fastapi import FastAPI, Request


def create_app(database_url: str | None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = None
        if database_url:
            app.state.pool = await asyncpg.create_pool(database_url, min_size=5, max_size=10)
            async with app.state.pool.acquire() as connection:
                await connection.execute(
                    "CREATE TABLE IF NOT EXISTS calibration ("
                    " id uuid PRIMARY KEY, body text NOT NULL,"
                    " created_at timestamptz NOT NULL DEFAULT now())"
                )
        yield
        if app.state.pool is not None:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.post("/insert", status_code=201)
    async def insert(request: Request) -> dict[str, Any]:
        row_id = uuid.uuid4()
        async with request.app.state.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "INSERT INTO calibration (id, body) VALUES ($1, $2)", row_id, "calibration"
            )
        return {"id": str(row_id)}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.database_url),
        host="127.0.0.1",
        port=args.port,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
