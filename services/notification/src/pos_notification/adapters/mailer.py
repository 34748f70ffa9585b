"""Sending e-mail over SMTP (aiosmtplib)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib


class MailNotSent(Exception):
    """The SMTP server could not be reached or did not accept the message."""


class SmtpMailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        timeout_seconds: float,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        start_tls: bool | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout_seconds = timeout_seconds
        self.username = username
        self.password = password
        self.use_tls = use_tls
        self.start_tls = start_tls

    async def send(self, *, to: str, subject: str, body: str, reference: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(idstring=reference, domain="pos.localhost")
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
