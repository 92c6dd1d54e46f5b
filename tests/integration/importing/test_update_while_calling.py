"""An update file applied while agents save calls: neither waits on the other in a cycle (PostgreSQL).

bench/soak.py found it: the update wrote a debtor's invoices, then the debtor; an agent's save locks the
debtor, then writes its invoices. PostgreSQL broke the deadlock by aborting one of them: the agent got a
503, or the whole update file failed.
"""
from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import sqlalchemy as sa

from campaigns import queue
from campaigns.db import make_engine, make_session_factory
from campaigns.importing import service
from campaigns.models import (ContactResult, DebtorAccount, ImportKind, Invoice, InvoiceStatus, PaymentMethod,
                              Promise, Role)
from campaigns.outcomes import OutcomeInput, PromiseInput, record_outcome
from tests.factories import Factory

HEAD = "Code client;Raison sociale;N° facture;Échéance;Reste dû\n"
FIRST = HEAD + "A1;Alpha;F1;01/06/2026;1 000,00\nA1;Alpha;F2;01/07/2026;500,00\nB1;Beta;F3;01/06/2026;300,00\n"
PAYMENTS = HEAD + "A1;Alpha;F1;01/06/2026;400,00\nA1;Alpha;F2;01/07/2026;500,00\nB1;Beta;F3;01/06/2026;300,00\n"


def _load(session, campaign, text, kind, folder):
    batch = service.store_upload(session, campaign, f"{kind.value}.csv", text.encode("cp1252"), folder, kind=kind)
    service.check(session, batch)
    service.apply(session, batch)


def _waiting_on_a_lock(engine, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND wait_event_type = 'Lock'")).scalar():
                return True
            conn.rollback()
            time.sleep(0.05)
    return False


def test_an_agent_saving_a_promise_while_payments_are_applied_both_succeed(pg_url, tmp_path):
    engine = make_engine(pg_url)
    factory = make_session_factory(engine)
    with factory() as s:
        make = Factory(s)
        agent = make.user(Role.AGENT)
        campaign = make.campaign(agents=[agent])
        _load(s, campaign, FIRST, ImportKind.INITIAL, str(tmp_path))
        alpha = s.scalar(sa.select(DebtorAccount.id).where(DebtorAccount.campaign_id == campaign.id,
                                                           DebtorAccount.customer_code == "A1"))
        queue.open_debtor(s, alpha, agent.id)
        s.commit()
        campaign_id, agent_id = campaign.id, agent.id

    saving = factory()
    # The agent's save has begun: record_outcome locks the debtor first.
    saving.get(DebtorAccount, alpha, with_for_update=True)
    errors: list[BaseException] = []

    def apply_payments():
        with factory() as s:
            try:
                _load(s, s.get(type(campaign), campaign_id), PAYMENTS, ImportKind.UPDATE, str(tmp_path))
                s.commit()
            except BaseException as exc:  # reported below
                errors.append(exc)

    update = threading.Thread(target=apply_payments)
    update.start()
    try:
        assert _waiting_on_a_lock(engine), "the update file should wait for the debtor the agent is saving"
        # The save goes on: a promise on every open invoice writes them, then commits.
        record_outcome(saving, alpha, agent_id, OutcomeInput(
            result=ContactResult.RIGHT_PARTY, promise=PromiseInput(
                promised_date=date.today() + timedelta(days=7), amount_cents=150_000,
                method=PaymentMethod.TRANSFER)))
        saving.commit()
    finally:
        saving.close()
        update.join(30)
    assert not errors, errors

    with factory() as s:
        invoices = {i.number: i for i in s.scalars(sa.select(Invoice).where(Invoice.campaign_id == campaign_id))}
        assert invoices["F1"].outstanding_cents == 40_000
        assert invoices["F2"].status is InvoiceStatus.PROMISED
        assert s.get(DebtorAccount, alpha).total_outstanding_cents == 90_000
        assert s.scalar(sa.select(sa.func.count()).select_from(Promise).where(Promise.debtor_id == alpha)) == 1
    engine.dispose()
