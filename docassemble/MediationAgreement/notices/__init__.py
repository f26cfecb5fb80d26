"""Reaching parents: the office's messages (by e-mail), each recorded in the case's log, and reminders.

Rooms: :mod:`.messages` (what each message says; data), :mod:`.mailer` (the
:class:`Mailer` protocol and SMTP for the command line), :mod:`.delivery`
(whom the office may write to, each message a step promises, reminders).
"""

from __future__ import annotations

from .delivery import Failed, LinkBuilder, Sent, email_address, notify, notify_approved, notify_draft, notify_final, office_name, reminders_due, send_link, send_reminders, sent_log
from .mailer import MAIL_FROM_ENV, SMTP_URL_ENV, FolderMailer, Mailer, SmtpMailer
from .messages import Message, NoticeKind, compose

__all__ = [
    "Failed",
    "FolderMailer",
    "LinkBuilder",
    "MAIL_FROM_ENV",
    "Mailer",
    "Message",
    "NoticeKind",
    "SMTP_URL_ENV",
    "Sent",
    "SmtpMailer",
    "compose",
    "email_address",
    "notify",
    "office_name",
    "notify_approved",
    "notify_draft",
    "notify_final",
    "reminders_due",
    "send_link",
    "send_reminders",
    "sent_log",
]
