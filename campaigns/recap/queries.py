"""The streamed queries behind each detail sheet: plain rows, never ORM objects."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..models import (
    CallAttempt, DebtorAccount, FormalNotice, Instalment, Invoice, InvoiceMotive, Motive, MotiveStatus, OutboundMessage,
    Phone, Promise, PromiseStatus, User, promise_invoices,
)
from ..supervision.figures import COMPLETED_CALL
from ..supervision.sqlhelp import text_agg

BATCH = 2_000


def stream(session: Session, query):
    """Rows of ``query`` fetched in batches (a server-side cursor on PostgreSQL).

    A cursor is planned for its first 10 % of rows by default (``cursor_tuple_fraction``): without
    statistics that picks nested loops that made a 100k-invoice export 20 times slower. We read
    every row, so plan for all of them (for this transaction only).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1.0"))
    return session.execute(query.execution_options(stream_results=True, yield_per=BATCH))


def _family_label():
    parent = aliased(Motive)
    return (sa.select(parent.label_fr).where(parent.code == Motive.parent_code)
            .order_by(parent.client_company_id.is_(None)).limit(1).scalar_subquery())


def promises(session: Session, campaign_id: int):
    """Engagements: one row per promise, or per instalment of a plan."""
    numbers = (sa.select(text_agg(session, Invoice.number))
               .select_from(promise_invoices.join(Invoice, Invoice.id == promise_invoices.c.invoice_id))
               .where(promise_invoices.c.promise_id == Promise.id).scalar_subquery())
    return stream(session, sa.select(
        DebtorAccount.customer_code, DebtorAccount.company_name, numbers,
        sa.func.coalesce(Instalment.amount_cents, Promise.amount_cents),
        sa.func.coalesce(Instalment.due_date, Promise.promised_date),
        Promise.method, sa.func.coalesce(Instalment.status, Promise.status), Instalment.seq,
        sa.func.coalesce(Instalment.paid_cents, Promise.paid_cents), User.name, Promise.created_at, Promise.is_plan,
        Promise.payment_reference,
    ).join(DebtorAccount, DebtorAccount.id == Promise.debtor_id)
        .outerjoin(Instalment, Instalment.promise_id == Promise.id)
        .outerjoin(User, User.id == Promise.agent_id)
        .where(Promise.campaign_id == campaign_id)
        .order_by(Promise.id, Instalment.seq))


def disputes(session: Session, campaign_id: int):
    """Litiges: one row per disputed or blocked invoice motive."""
    return stream(session, sa.select(
        DebtorAccount.customer_code, DebtorAccount.company_name, DebtorAccount.contact_names, Invoice.number,
        sa.func.coalesce(InvoiceMotive.disputed_amount_cents, Invoice.initial_outstanding_cents),
        # The labels kept with the record (a motive renamed since keeps its old label here).
        sa.func.coalesce(InvoiceMotive.family_fr, _family_label(), InvoiceMotive.label_fr, Motive.label_fr),
        sa.case((Motive.parent_code.is_not(None), sa.func.coalesce(InvoiceMotive.label_fr, Motive.label_fr))),
        InvoiceMotive.details, InvoiceMotive.documents_requested, User.name, InvoiceMotive.created_at,
        InvoiceMotive.status, InvoiceMotive.resolution,
    ).join(Motive, Motive.id == InvoiceMotive.motive_id)
        .join(Invoice, Invoice.id == InvoiceMotive.invoice_id)
        .join(DebtorAccount, DebtorAccount.id == InvoiceMotive.debtor_id)
        .outerjoin(User, User.id == InvoiceMotive.agent_id)
        .where(InvoiceMotive.campaign_id == campaign_id, Motive.blocks_queue.is_(True))
        .order_by(InvoiceMotive.created_at, InvoiceMotive.id))


def not_reached(session: Session, campaign_id: int):
    """Non joints: debtors never reached, with their attempts, phones and last result."""
    attempts = sa.select(sa.func.count()).where(CallAttempt.debtor_id == DebtorAccount.id).scalar_subquery()
    last_at = sa.select(sa.func.max(CallAttempt.started_at)).where(
        CallAttempt.debtor_id == DebtorAccount.id).scalar_subquery()
    last_result = (sa.select(CallAttempt.result).where(CallAttempt.debtor_id == DebtorAccount.id)
                   .order_by(CallAttempt.started_at.desc(), CallAttempt.id.desc()).limit(1).scalar_subquery())
    phones = sa.select(text_agg(session, Phone.raw)).where(Phone.debtor_id == DebtorAccount.id).scalar_subquery()
    reached = sa.exists().where(CallAttempt.debtor_id == DebtorAccount.id, COMPLETED_CALL)
    return stream(session, sa.select(
        DebtorAccount.customer_code, DebtorAccount.company_name, DebtorAccount.contact_names,
        DebtorAccount.total_outstanding_cents, attempts, sa.type_coerce(last_at, DebtorAccount.last_attempt_at.type),
        phones, last_result, DebtorAccount.queue_state,
    ).where(DebtorAccount.campaign_id == campaign_id, ~reached).order_by(DebtorAccount.id))


def invoices(session: Session, campaign_id: int):
    """Factures: every invoice placed, with its outcome.

    The latest motive, promise and call come from grouped derived tables joined by hash: correlated
    subqueries per row make PostgreSQL's planner pick nested loops when statistics are missing
    (a freshly loaded campaign before autovacuum), which was 20x slower.
    """
    latest_motive = (sa.select(InvoiceMotive.invoice_id, sa.func.max(InvoiceMotive.id).label("motive_row"))
                     .where(InvoiceMotive.campaign_id == campaign_id, InvoiceMotive.status != MotiveStatus.CANCELLED)
                     .group_by(InvoiceMotive.invoice_id).subquery())
    motive_row = aliased(InvoiceMotive)
    latest_promise = (sa.select(promise_invoices.c.invoice_id, sa.func.max(Promise.id).label("promise_id"))
                      .join(Promise, Promise.id == promise_invoices.c.promise_id)
                      .where(Promise.campaign_id == campaign_id, Promise.status != PromiseStatus.CANCELLED)
                      .group_by(promise_invoices.c.invoice_id).subquery())
    last_call = (sa.select(CallAttempt.debtor_id, sa.func.max(CallAttempt.started_at).label("at"))
                 .where(CallAttempt.campaign_id == campaign_id).group_by(CallAttempt.debtor_id).subquery())
    return stream(session, sa.select(
        DebtorAccount.customer_code, DebtorAccount.company_name, Invoice.number, Invoice.invoice_date,
        Invoice.due_date, Invoice.initial_outstanding_cents, Invoice.outstanding_cents, Invoice.status,
        sa.func.coalesce(motive_row.label_fr, Motive.label_fr),
        Promise.promised_date, Promise.method, sa.type_coerce(last_call.c.at, CallAttempt.started_at.type),
        Invoice.source_row, Invoice.import_batch_id, Promise.amount_cents, Invoice.due_date_estimated,
        Invoice.currency, Invoice.id, sa.func.coalesce(Invoice.held_reason, DebtorAccount.held_reason),
    ).join(DebtorAccount, DebtorAccount.id == Invoice.debtor_id)
        .outerjoin(latest_motive, latest_motive.c.invoice_id == Invoice.id)
        .outerjoin(motive_row, motive_row.id == latest_motive.c.motive_row)
        .outerjoin(Motive, Motive.id == motive_row.motive_id)
        .outerjoin(latest_promise, latest_promise.c.invoice_id == Invoice.id)
        .outerjoin(Promise, Promise.id == latest_promise.c.promise_id)
        .outerjoin(last_call, last_call.c.debtor_id == Invoice.debtor_id)
        .where(Invoice.campaign_id == campaign_id)
        .order_by(Invoice.debtor_id, Invoice.number))


def calls(session: Session, campaign_id: int):
    """Appels: the full call log, oldest first."""
    return stream(session, sa.select(
        CallAttempt.started_at, User.name, DebtorAccount.customer_code, DebtorAccount.company_name,
        CallAttempt.phone_dialled, CallAttempt.result, CallAttempt.outcome, CallAttempt.duration_seconds,
        CallAttempt.notes,
    ).join(DebtorAccount, DebtorAccount.id == CallAttempt.debtor_id)
        .outerjoin(User, User.id == CallAttempt.agent_id)
        .where(CallAttempt.campaign_id == campaign_id)
        .order_by(CallAttempt.started_at, CallAttempt.id))


def messages(session: Session, campaign_id: int):
    """E-mails: every message written to a debtor, oldest first, dated when sent (else when queued)."""
    return stream(session, sa.select(
        sa.type_coerce(sa.func.coalesce(OutboundMessage.sent_at, OutboundMessage.created_at),
                       OutboundMessage.created_at.type), DebtorAccount.customer_code,
        DebtorAccount.company_name, OutboundMessage.kind, OutboundMessage.recipients, OutboundMessage.subject,
        OutboundMessage.status, OutboundMessage.last_error,
    ).join(DebtorAccount, DebtorAccount.id == OutboundMessage.debtor_id)
        .where(OutboundMessage.campaign_id == campaign_id)
        .order_by(OutboundMessage.created_at, OutboundMessage.id))


def formal_notices(session: Session, campaign_id: int):
    """Mises en demeure: each notice written, with its debtor and where the debtor stands now."""
    return session.execute(sa.select(
        FormalNotice, DebtorAccount.customer_code, DebtorAccount.company_name, DebtorAccount.queue_state,
    ).join(DebtorAccount, DebtorAccount.id == FormalNotice.debtor_id)
        .where(FormalNotice.campaign_id == campaign_id)
        .order_by(FormalNotice.issued_at, FormalNotice.id)).all()
