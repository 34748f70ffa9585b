"""`python -m pos_auth`: serve auth with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_auth.config import AuthSettings
from pos_auth.main import create_app
from pos_kit.serve import serve


def main() -> None:
    settings = AuthSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
