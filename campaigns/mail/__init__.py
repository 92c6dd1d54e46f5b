"""E-mail to debtors through an outbox: a message is queued in the transaction that causes it
(``outbox.queue``) and sent later by the job worker, or by ``flask mail send`` (``outbox.send_due``),
through the SMTP server of ``MAIL_URL`` or, without one, into ``.eml`` files (``transports``).

A temporary failure (server down, 4xx) is retried with back-off and nothing is lost; a recipient refused
for good (5xx at submission) is marked invalid on the debtor and the refusal audited. Each message sent
is an audit entry, so it joins the debtor's hash chain (``campaigns.evidence``).
"""
from .outbox import BACKOFF_MINUTES, as_email, counts_of, deliverable_addresses, messages_of, queue, refused_addresses, refused_count, send_due
from .transports import FileTransport, MailServer, PermanentFailure, SmtpTransport, TemporaryFailure, transport_for

__all__ = ["BACKOFF_MINUTES", "FileTransport", "MailServer", "PermanentFailure", "SmtpTransport", "TemporaryFailure",
           "as_email", "counts_of", "deliverable_addresses", "messages_of", "queue", "refused_addresses", "refused_count", "send_due",
           "transport_for"]
