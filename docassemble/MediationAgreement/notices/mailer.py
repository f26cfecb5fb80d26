"""Sending a message: the :class:`Mailer` protocol, and SMTP for the command line.

The docassemble adapter sends through docassemble's own ``send_email`` (the
server's ``mail:`` configuration); the command line (``case send-links``,
``case remind`` from cron) through :class:`SmtpMailer`, to the server named by
``--smtp`` or ``$MEDIATION_SMTP_URL`` (``smtp://host:port``, ``smtps://`` for
TLS from the start, ``smtp+starttls://`` to upgrade; a user and password in
the URL log in).  Nothing here logs an address or a message.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError, DeliveryError

SMTP_URL_ENV = "MEDIATION_SMTP_URL"
MAIL_FROM_ENV = "MEDIATION_MAIL_FROM"


class Mailer(Protocol):
    """Something that sends one plain-text message to one address, or raises :class:`DeliveryError`."""

    def send(self, to: str, subject: str, text: str) -> None: ...


class SmtpMailer:
    """A mailer over SMTP (one connection per message: sends are few and far between)."""

    def __init__(self, url: str, sender: str, *, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
            raise ConfigError(f"not an SMTP server address: {url!r} (write smtp://HOST:PORT, smtps://… or smtp+starttls://…)")
        if not sender or "@" not in sender:
            raise ConfigError(f"a sender address is needed (--mail-from or ${MAIL_FROM_ENV})")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1].strip("> "))
        message.set_content(text)
        try:
            if self.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.user is not None:
                    client.login(self.user, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"the mail server at {self.host}:{self.port} did not take the message ({exc.__class__.__name__})") from None


class FolderMailer:
    """A mailer that writes each message as an ``.eml`` file into a folder (``demo``; an office trying things out).

    Any mail program opens the files; nothing leaves the machine.
    """

    def __init__(self, folder: str | Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender
        self.written: list[Path] = []

    def send(self, to: str, subject: str, text: str) -> None:
        from ..outputs import write_atomically

        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        path = write_atomically(self.folder / f"message-{len(self.written) + 1:03d}.eml", bytes(message))
        self.written.append(path)
