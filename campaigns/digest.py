"""The daily digest: one e-mail a day to each client user (what waits for its answer) and to each manager
(what the clients answered), queued in the outbox from 08:00 Paris time, once per user and day, with links
to the pages; nothing is sent to a user with nothing waiting, nor to one who turned the digest off."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import clock
from .access import visible_campaigns_query
from .mail import outbox
from .models import (AuditEntry, Campaign, CampaignStatus, DebtorAccount, Instalment, InvoiceMotive, Motive,
                     MotiveStatus, OutboundMessage, Promise, PromiseStatus, Role, User)
from .money import format_money
from .supervision.wrong_numbers import to_find

HOUR = 8
ZONE = ZoneInfo("Europe/Paris")
# What a client user does that its campaign's managers want to know about.
CLIENT_ACTIONS = ("dispute.answered", "debtor.phone_added", "debtor.no_number_known", "debtor.held",
                  "debtor.released", "invoice.held", "invoice.released", "notice.approved", "notice.declined")


@dataclass
class CampaignNews:
    """One campaign's lines of a digest."""
    campaign: Campaign
    new_disputes: int = 0
    already_paid: int = 0
    numbers_to_find: int = 0
    promises_this_week: int = 0
    promised_this_week_cents: int = 0
    client_answers: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new_disputes or self.already_paid or self.numbers_to_find or self.promises_this_week
                    or self.client_answers)


def _for_client(session: Session, campaign: Campaign, since: datetime, today: date) -> CampaignNews:
    news = CampaignNews(campaign)
    blocking = sa.select(sa.func.count()).select_from(InvoiceMotive).join(Motive, Motive.id == InvoiceMotive.motive_id)\
        .where(InvoiceMotive.campaign_id == campaign.id, InvoiceMotive.status == MotiveStatus.OPEN,
               Motive.blocks_queue.is_(True))
    news.new_disputes = session.scalar(blocking.where(InvoiceMotive.created_at >= since,
                                                      Motive.code != "already_paid",
                                                      InvoiceMotive.client_decision.is_(None))) or 0
    news.already_paid = session.scalar(blocking.where(Motive.code == "already_paid",
                                                      InvoiceMotive.client_decision.is_(None))) or 0
    news.numbers_to_find = session.scalar(sa.select(sa.func.count()).select_from(DebtorAccount).where(
        DebtorAccount.campaign_id == campaign.id, to_find())) or 0
    week = (today, today + timedelta(days=6))
    single = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Promise.amount_cents), 0)).where(
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING, Promise.is_plan.is_(False),
        Promise.promised_date.between(*week))
    plans = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Instalment.amount_cents), 0)).join(
        Promise, Promise.id == Instalment.promise_id).where(
        Promise.campaign_id == campaign.id, Promise.status == PromiseStatus.PENDING,
        Instalment.status == PromiseStatus.PENDING, Instalment.due_date.between(*week))
    for count, cents in (session.execute(single).one(), session.execute(plans).one()):
        news.promises_this_week += int(count or 0)
        news.promised_this_week_cents += int(cents or 0)
    return news


def _for_manager(session: Session, campaign: Campaign, since: datetime) -> CampaignNews:
    news = CampaignNews(campaign)
    news.client_answers = dict(session.execute(
        sa.select(AuditEntry.action, sa.func.count()).join(User, User.id == AuditEntry.user_id)
        .where(AuditEntry.campaign_id == campaign.id, AuditEntry.at >= since, User.role == Role.CLIENT,
               AuditEntry.action.in_(CLIENT_ACTIONS)).group_by(AuditEntry.action)).all())
    return news


WORDS = {
    "fr": {"subject": "Relance · ce qui vous attend le {day}", "hello": "Bonjour {name},",
           "client_intro": "Voici ce qui attend votre réponse dans vos campagnes :",
           "manager_intro": "Voici ce que les clients ont répondu depuis hier :",
           "new_disputes": "{n} nouveau(x) litige(s) à trancher", "already_paid": "{n} « déjà payé » à vérifier",
           "numbers": "{n} débiteur(s) sans numéro valable : en connaissez-vous un ?",
           "promises": "{n} paiement(s) promis cette semaine, pour {amount}",
           "dispute.answered": "{n} litige(s) tranché(s)", "debtor.phone_added": "{n} numéro(s) donné(s)",
           "debtor.no_number_known": "{n} débiteur(s) sans autre numéro connu",
           "debtor.held": "{n} débiteur(s) suspendu(s)", "debtor.released": "{n} débiteur(s) repris",
           "invoice.held": "{n} facture(s) suspendue(s)", "invoice.released": "{n} facture(s) reprise(s)",
           "notice.approved": "{n} mise(s) en demeure approuvée(s)", "notice.declined": "{n} mise(s) en demeure refusée(s)",
           "open": "Ouvrir : {url}", "off": "Pour ne plus recevoir ce résumé : {url}"},
    "en": {"subject": "Relance · what is waiting for you on {day}", "hello": "Hello {name},",
           "client_intro": "This is what waits for your answer in your campaigns:",
           "manager_intro": "This is what the clients answered since yesterday:",
           "new_disputes": "{n} new dispute(s) to decide", "already_paid": "{n} “already paid” claim(s) to check",
           "numbers": "{n} debtor(s) without a valid number: do you know one?",
           "promises": "{n} payment(s) promised this week, for {amount}",
           "dispute.answered": "{n} dispute(s) decided", "debtor.phone_added": "{n} number(s) given",
           "debtor.no_number_known": "{n} debtor(s) with no other number known",
           "debtor.held": "{n} debtor(s) put on hold", "debtor.released": "{n} debtor(s) released",
           "invoice.held": "{n} invoice(s) put on hold", "invoice.released": "{n} invoice(s) released",
           "notice.approved": "{n} formal notice(s) approved", "notice.declined": "{n} formal notice(s) declined",
           "open": "Open: {url}", "off": "To stop receiving this digest: {url}"},
}


def compose(user: User, news: list[CampaignNews], base_url: str, today: date) -> tuple[str, str, str]:
    """Language, subject and body of one user's digest."""
    language = "en" if (user.locale or "fr").startswith("en") else "fr"
    w = WORDS[language]
    base = base_url.rstrip("/")
    lines = [w["hello"].format(name=user.name), "",
             w["manager_intro"] if user.role is not Role.CLIENT else w["client_intro"], ""]
    for item in news:
        lines.append(f"{item.campaign.name}")
        if item.new_disputes:
            lines.append("  - " + w["new_disputes"].format(n=item.new_disputes))
        if item.already_paid:
            lines.append("  - " + w["already_paid"].format(n=item.already_paid))
        if item.numbers_to_find:
            lines.append("  - " + w["numbers"].format(n=item.numbers_to_find))
        if item.promises_this_week:
            lines.append("  - " + w["promises"].format(n=item.promises_this_week, amount=format_money(
                item.promised_this_week_cents, item.campaign.currency or "EUR", language)))
        for action in CLIENT_ACTIONS:
            if item.client_answers.get(action):
                lines.append("  - " + w[action].format(n=item.client_answers[action]))
        lines.append("  " + w["open"].format(url=f"{base}/campaigns/{item.campaign.id}/supervision/"))
        lines.append("")
    lines.append(w["off"].format(url=f"{base}/account/digest"))
    day = f"{today:%d/%m/%Y}" if language == "fr" else f"{today.day} {today:%B %Y}"
    return language, w["subject"].format(day=day), "\n".join(lines) + "\n"


def queue_due(session: Session, base_url: str, now: datetime | None = None) -> int:
    """Queue today's digests (from 08:00 Paris time, once per user and day); returns how many."""
    now = clock.now(now)
    local = now.astimezone(ZONE)
    if local.hour < HOUR:
        return 0
    today, since = local.date(), now - timedelta(days=1)
    queued = 0
    users = session.scalars(sa.select(User).where(User.is_active.is_(True), User.digest_enabled.is_(True),
                                                  User.role.in_([Role.CLIENT, Role.MANAGER]))
                            .order_by(User.id)).all()
    for user in users:
        about = f"digest:{user.id}:{today.isoformat()}"
        if session.scalar(sa.select(OutboundMessage.id).where(OutboundMessage.kind == "digest",
                                                             OutboundMessage.about == about)) is not None:
            continue
        campaigns = session.scalars(visible_campaigns_query(user).where(Campaign.status == CampaignStatus.ACTIVE)
                                    .order_by(Campaign.id)).all()
        news = [_for_manager(session, c, since) if user.role is Role.MANAGER else _for_client(session, c, since, today)
                for c in campaigns]
        news = [n for n in news if not n.empty]
        if not news:
            continue
        language, subject, body = compose(user, news, base_url, today)
        try:
            with session.begin_nested():
                outbox.queue(session, kind="digest", about=about, recipients=[user.email], subject=subject,
                             body=body, language=language)
        except sa.exc.IntegrityError:        # another worker queued it at the same moment
            continue
        queued += 1
    return queued
