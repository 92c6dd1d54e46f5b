"""How a message leaves: an SMTP server (``MAIL_URL``), or ``.eml`` files in a folder when there is none."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import N_, DomainError


class TemporaryFailure(Exception):
    """The message could not be handed over now (server down, 4xx): try again later."""


class PermanentFailure(Exception):
    """The server refused the message itself for good (5xx after the data)."""


@dataclass(frozen=True)
class Delivery:
    """What the server did with one message: the addresses it refused for good, with its answers."""
    refused: dict[str, str]


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    tls: bool = False          # smtps:// (TLS from the first byte)
    starttls: bool = False     # smtp://…?starttls=1

    @classmethod
    def from_url(cls, url: str) -> MailServer:
        """``smtp://user:pass@host:587?starttls=1`` or ``smtps://user:pass@host:465``."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise DomainError(N_("MAIL_URL must read smtp://user:password@host:port or smtps://…"))
        query = parse_qs(parts.query)
        return cls(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None,
                   tls=parts.scheme == "smtps", starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"))


class SmtpTransport:
    """One connection per batch; 5xx recipients are refused for good, everything else is temporary."""

    def __init__(self, server: MailServer, timeout: float = 30):
        self.server, self.timeout, self.connection = server, timeout, None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None

    def _connect(self):
        s = self.server
        try:
            if s.tls:
                connection = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.starttls:
                    connection.starttls(context=ssl.create_default_context())
            if s.user:
                connection.login(s.user, s.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(_answer(exc)) from exc
        return connection

    def send(self, message: EmailMessage) -> Delivery:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients
            if any(code < 500 for code, _ in refused.values()):
                raise TemporaryFailure(_answer(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPSenderRefused):
                raise PermanentFailure(_answer(exc)) from exc
            raise TemporaryFailure(_answer(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.connection = None
            raise TemporaryFailure(_answer(exc)) from exc
        return Delivery({address: f"{code} {_text(answer)}" for address, (code, answer) in refused.items()
                         if code >= 500})


class FileTransport:
    """Without a mail server: each message becomes ``<id>-<kind>.eml`` in ``folder`` (openable in any
    mail client), and counts as sent."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __enter__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *_exc):
        return None

    def send(self, message: EmailMessage) -> Delivery:
        name = f"{message['X-Relance-Message']}-{message['X-Relance-Kind']}.eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(bytes(message))
        partial.replace(self.folder / name)
        return Delivery({})


def transport_for(mail_url: str | None, outbox_folder: str | Path):
    return SmtpTransport(MailServer.from_url(mail_url)) if mail_url else FileTransport(outbox_folder)


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _answer(exc: Exception) -> str:
    """The server's words, to show the manager (code and text), or what went wrong on the way."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{a}: {code} {_text(t)}" for a, (code, t) in exc.recipients.items())[:500]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:500]
    return (str(exc) or type(exc).__name__)[:500]
