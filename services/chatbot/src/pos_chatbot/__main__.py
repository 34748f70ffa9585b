"""`python -m pos_chatbot`: serve the chatbot with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_chatbot.config import ChatbotSettings
from pos_chatbot.main import create_app
from pos_kit.serve import serve


def main() -> None:
    settings = ChatbotSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
