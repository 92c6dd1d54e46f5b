"""Two client companies side by side, so that every test can try to reach A's data from B.

Everything belonging to company A carries the word ``Alpha`` in its name; company B's things say
``Bravo``. A page shown to someone of B that contains ``Alpha`` has leaked A's data.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from campaigns import outcomes, queue
from campaigns.importing import service
import sqlalchemy as sa

from campaigns.models import (ContactResult, ImportBatch, ImportKind, ImportStatus, InvoiceMotive,
                              PaymentMethod, Role)

A_MARKER = b"Alpha"
# The smallest PNG (1 x 1): company A has a logo, so its logo route answers.
PNG_LOGO = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                         "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
EXPORT_TOKEN = "0123456789abcdef"
REJECTED_CSV = ("Code client;Raison sociale;Téléphone;N° facture;Échéance;Montant\n"
                "A001;Alpha Fournitures;01 42 68 53 00;FA-1;2026-01-31;1200,00\n"
                "A002;Alpha Négoce;01 42 68 53 01;FA-2;pas une date;oui\n").encode("utf-8")


@dataclass
class World:
    users: dict = field(default_factory=dict)   # role name -> user
    ids: dict = field(default_factory=dict)     # URL argument -> A's object id
    campaign_b_id: int | None = None


ROLE_NAMES = ["anonymous", "agent", "agent_b", "manager", "admin", "client_a", "client_b"]


@pytest.fixture
def world(app, app_make, db) -> World:
    """Company A: a campaign with two debtors, a promise, an open dispute, an import batch and a recap
    written in the background. Company B: its own campaign, agent and client user."""
    company_a = app_make.client_company(name="Client Alpha", logo=PNG_LOGO, logo_mime="image/png")
    company_b = app_make.client_company(name="Client Bravo")
    agent_a, agent_b = app_make.user(Role.AGENT, name="Agent Alpha"), app_make.user(Role.AGENT, name="Agent Bravo")
    campaign_a = app_make.campaign(client_company=company_a, agents=[agent_a], name="Campagne Alpha")
    campaign_b = app_make.campaign(client_company=company_b, agents=[agent_b], name="Campagne Bravo")
    promised = app_make.debtor(campaign_a, company_name="Alpha Promesse SARL")
    disputed = app_make.debtor(campaign_a, company_name="Alpha Litige SAS")
    app_make.debtor(campaign_b, company_name="Bravo Débiteur SA")
    world = World(campaign_b_id=campaign_b.id)
    world.users = {
        "agent": agent_a, "agent_b": agent_b,
        "manager": app_make.user(Role.MANAGER), "admin": app_make.user(Role.ADMIN),
        "client_a": app_make.user(Role.CLIENT, client_company=company_a, name="Compta Alpha"),
        "client_b": app_make.user(Role.CLIENT, client_company=company_b, name="Compta Bravo"),
    }

    soon = date.today() + timedelta(days=7)
    queue.open_debtor(db, promised.id, agent_a.id)
    outcomes.record_outcome(db, promised.id, agent_a.id, outcomes.OutcomeInput(
        result=ContactResult.RIGHT_PARTY,
        promise=outcomes.PromiseInput(promised_date=soon, amount_cents=100_000, method=PaymentMethod.TRANSFER)))
    queue.open_debtor(db, disputed.id, agent_a.id)
    outcomes.record_outcome(db, disputed.id, agent_a.id, outcomes.OutcomeInput(
        result=ContactResult.RIGHT_PARTY,
        motives=[outcomes.MotiveInput(invoice_ids=None, motive_code="dispute.price", details="Alpha: prix")]))
    batch = service.store_upload(db, campaign_a, "alpha.csv", REJECTED_CSV, app.config["UPLOAD_FOLDER"],
                                 user_id=world.users["manager"].id, kind=ImportKind.UPDATE)
    # The client's original file, as a loaded campaign keeps it (the enriched workbook re-reads it).
    original = os.path.join(app.config["UPLOAD_FOLDER"], "alpha-original.csv")
    with open(original, "wb") as f:
        f.write(REJECTED_CSV.split(b"\n", 2)[0] + b"\n" + REJECTED_CSV.split(b"\n", 2)[1] + b"\n")
    db.add(ImportBatch(campaign_id=campaign_a.id, kind=ImportKind.INITIAL, status=ImportStatus.APPLIED,
                       file_name="alpha-original.csv", stored_path=original, sha256="0" * 64, header_row=1))
    db.commit()
    motive_id = db.scalar(sa.select(InvoiceMotive.id).where(InvoiceMotive.debtor_id == disputed.id))
    from campaigns import mail
    message = mail.queue(db, kind="promise_confirmation", campaign_id=campaign_a.id, debtor_id=promised.id,
                         recipients=["compta@alpha-promesse.example"], subject="Alpha: votre engagement",
                         body="Alpha Promesse SARL s'engage.")
    from campaigns.models import DisputeAttachment, Invoice
    document = DisputeAttachment(campaign_id=campaign_a.id, motive_id=motive_id, file_name="alpha.pdf",
                                 mime="application/pdf", size_bytes=9, sha256="0" * 64, data=b"%PDF-Alpha")
    db.add(document)
    db.commit()
    invoice_id = db.scalar(sa.select(Invoice.id).where(Invoice.debtor_id == disputed.id))

    # A recap written in the background, as the job worker leaves it in the export folder.
    os.makedirs(app.config["EXPORT_FOLDER"], exist_ok=True)
    with open(os.path.join(app.config["EXPORT_FOLDER"], f"recap-{campaign_a.id}-{EXPORT_TOKEN}.xlsx"), "wb") as f:
        f.write(b"Alpha recap workbook")

    world.ids = {"campaign_id": campaign_a.id, "debtor_id": disputed.id, "motive_id": motive_id,
                 "batch_id": batch.id, "token": EXPORT_TOKEN, "user_id": agent_b.id,
                 "promised_debtor_id": promised.id, "message_id": message.id,
                 "attachment_id": document.id, "invoice_id": invoice_id,
                 "agent_id": agent_a.id}
    return world
