"""Sending e-mail over SMTP (aiosmtplib)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib


def message_id(reference: str) -> str:
    """A unique Message-ID naming the e-mail it sends (`reference`).

    Not `email.utils.make_msgid`: its random part is a run of up to 20 digits, and one in
    ten of those passes the Luhn check, so a mail archive or a data-loss scanner would
    see a card number in every tenth message.
    """
    return f"<{reference}.{secrets.token_urlsafe(12)}@pos.localhost>"


class MailNotSent(Exception):
    """The SMTP server could not be reached or did not accept the message."""


@dataclass(frozen=True, kw_only=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    timeout_seconds: float
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    start_tls: bool | None = None

    async def send(self, *, to: str, subject: str, body: str, reference: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id(reference)
        message.set_content(body)
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                timeout=self.timeout_seconds,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc
