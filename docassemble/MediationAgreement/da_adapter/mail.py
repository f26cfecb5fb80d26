"""The office's messages to parents, sent through docassemble's own ``send_email``.

The server's ``mail:`` configuration says where mail goes (``make serve``
points it at a local mailbox on 127.0.0.1).  What a message says, whom it may
go to, and the ``link_sent`` record are the engine's (:mod:`..notices`).
A message that cannot be sent never stops the step that wanted it: the step
says so on the mediator's screen, and a parent's screen is not troubled.
"""

from __future__ import annotations

import html

from docassemble.base.util import interview_url, send_email

from ..errors import DeliveryError

INTERVIEWS = {
    "intake": "docassemble.MediationAgreement:data/questions/parent_intake.yml",
    "review": "docassemble.MediationAgreement:data/questions/parent_review.yml",
    "checkin": "docassemble.MediationAgreement:data/questions/parent_checkin.yml",
}


class DocassembleMailer:
    """:class:`..notices.Mailer` over ``send_email`` (plain text, and the same text as simple HTML)."""

    def send(self, to: str, subject: str, text: str) -> None:
        body = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in text.strip().split("\n\n"))
        if not send_email(to=to, subject=subject, body=text, html=f"<html><body>{body}</body></html>"):
            raise DeliveryError("the server could not send the e-mail (check its `mail:` configuration)")


def office_mailer() -> DocassembleMailer:
    """The mailer the interviews use (tests put a real SMTP mailer on 127.0.0.1 in its place)."""
    return DocassembleMailer()


def parent_link(case_id: str, token: str, stage: str) -> str:
    """A parent's link on this server: their intake, their review, or a check-in."""
    return str(interview_url(i=INTERVIEWS[stage], case=case_id, token=token))


def sent_words(sent: list, names: dict[str, str]) -> str:  # type: ignore[type-arg]
    """"E-mailed Maria and David." for the mediator's screen ('' when nothing was sent)."""
    who = [names.get(s.party, s.party) for s in sent]
    return f" E-mailed {' and '.join(who)}." if who else ""
