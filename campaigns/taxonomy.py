"""The two-level taxonomy of non-payment motives: defaults, and per-client adjustments."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Motive

# (code, parent, French label, English label, blocks the queue, asks for documents)
DEFAULT_MOTIVES: list[tuple[str, str | None, str, str, bool, bool]] = [
    ("documents", None, "Documents manquants", "Missing documents", True, True),
    ("documents.invoice_not_received", "documents", "Facture non reçue", "Invoice not received", True, True),
    ("documents.order_number", "documents", "Numéro de commande manquant", "Order number missing", True, True),
    ("documents.delivery_note", "documents", "Bon de livraison manquant", "Delivery note missing", True, True),
    ("documents.bank_details", "documents", "RIB manquant", "Bank details missing", True, True),
    ("documents.duplicate", "documents", "Duplicata demandé", "Copy of invoice requested", True, True),
    ("dispute", None, "Litige commercial", "Commercial dispute", True, False),
    ("dispute.price", "dispute", "Litige sur le prix", "Price dispute", True, False),
    ("dispute.quantity", "dispute", "Litige sur la quantité", "Quantity dispute", True, False),
    ("dispute.quality", "dispute", "Litige qualité", "Quality dispute", True, False),
    ("dispute.not_delivered", "dispute", "Marchandise non livrée / prestation non réalisée",
     "Not delivered / service not performed", True, False),
    ("dispute.credit_note", "dispute", "Avoir attendu", "Credit note awaited", True, False),
    ("cash_flow", None, "Difficultés de trésorerie", "Cash-flow difficulty", False, False),
    ("already_paid", None, "Déjà payé", "Already paid", True, False),
    ("approval", None, "En attente de validation interne", "Awaiting internal approval", False, False),
    ("insolvency", None, "Procédure collective", "Insolvency proceedings", True, False),
    ("refusal", None, "Refus de payer", "Refusal to pay", False, False),
    ("other", None, "Autre motif", "Other", False, False),
]


def ensure_default_taxonomy(session: Session) -> None:
    """Insert the default motives that are missing (idempotent)."""
    existing = set(session.scalars(sa.select(Motive.code).where(Motive.client_company_id.is_(None))))
    for order, (code, parent, fr, en, blocks, docs) in enumerate(DEFAULT_MOTIVES):
        if code not in existing:
            session.add(Motive(code=code, parent_code=parent, label_fr=fr, label_en=en,
                               blocks_queue=blocks, asks_documents=docs, sort_order=order * 10))
    session.flush()


def motives_for(session: Session, client_company_id: int | None) -> list[Motive]:
    """The active taxonomy for a client: defaults overridden by the client's own rows, in order."""
    rows = session.scalars(sa.select(Motive).where(
        sa.or_(Motive.client_company_id.is_(None), Motive.client_company_id == client_company_id)
    ).order_by(Motive.sort_order, Motive.id)).all()
    by_code: dict[str, Motive] = {}
    for m in rows:
        if m.code not in by_code or m.client_company_id is not None:
            by_code[m.code] = m
    return sorted((m for m in by_code.values() if m.active), key=lambda m: (m.sort_order, m.id))


def motive_by_code(session: Session, client_company_id: int | None, code: str) -> Motive | None:
    return next((m for m in motives_for(session, client_company_id) if m.code == code), None)


def labels_of(session: Session, client_company_id: int | None, motive: Motive) -> dict[str, str | None]:
    """The labels a motive and its family have now, to keep on the record written with it."""
    family = motive_by_code(session, client_company_id, motive.parent_code) if motive.parent_code else motive
    return {"label_fr": motive.label_fr, "label_en": motive.label_en,
            "family_fr": family.label_fr if family else None, "family_en": family.label_en if family else None}
