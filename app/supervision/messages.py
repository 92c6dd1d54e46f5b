"""The campaign's e-mails to debtors: what was sent, what waits, what failed with the server's answer, and
the addresses refused for good that need another one. Each message can be read as it went out (.eml)."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from campaigns import mail
from campaigns.models import MessageStatus, OutboundMessage

from ..auth.permissions import roles_required
from ..extensions import db
from ..labels import MESSAGE_KIND, MESSAGE_STATUS
from . import bp
from .routes import STAFF, _campaign

PER_PAGE = 50


@bp.route("/messages")
@roles_required(*STAFF)
def messages(campaign_id: int):
    campaign = _campaign(campaign_id)
    status = MessageStatus(request.args["status"]) if request.args.get("status") in set(MessageStatus) else None
    try:
        page = max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    shown = mail.messages_of(db.session, campaign.id, status, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return render_template(
        "supervision/messages.html", campaign=campaign, messages=shown[:PER_PAGE], more=len(shown) > PER_PAGE,
        page=page, status=status, counts=mail.counts_of(db.session, campaign.id),
        refused=mail.refused_addresses(db.session, campaign.id), kinds=MESSAGE_KIND, states=MESSAGE_STATUS,
        without_server=not current_app.config.get("MAIL_URL"))


@bp.route("/messages/<int:message_id>.eml")
@roles_required(*STAFF)
def message_file(campaign_id: int, message_id: int):
    """One message as it went out (or will): headers and body, to open in any mail program."""
    campaign = _campaign(campaign_id)
    message = db.session.get(OutboundMessage, message_id)
    if message is None or message.campaign_id != campaign.id:
        abort(404)
    email = mail.as_email(message, current_app.config["MAIL_FROM"], message.sent_at or message.created_at)
    name = _("message") + f"-{message.id}.eml"
    return Response(email.as_bytes(), mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
