"""`python -m pos_core`: serve pos-core with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_core.config import CoreSettings
from pos_core.main import create_app
from pos_kit.serve import serve


def main() -> None:
    settings = CoreSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
