"""`python -m pos_payment`: serve payment with uvicorn on the configured host and port."""

from __future__ import annotations

from pos_kit.serve import serve
from pos_payment.config import PaymentSettings
from pos_payment.main import create_app


def main() -> None:
    settings = PaymentSettings()
    serve(create_app(settings), settings)


if __name__ == "__main__":
    main()
