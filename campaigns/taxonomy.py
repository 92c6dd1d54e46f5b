"""The two-level taxonomy of non-payment motives: defaults, and per-client adjustments."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import N_, DomainError, NotFound
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


@dataclass
class MotiveEdit:
    """What the settings page says of one motive of the client's taxonomy."""
    code: str
    label_fr: str
    label_en: str
    sort_order: str
    active: bool


def tree(session: Session, client_company_id: int | None, include_inactive: bool = True) -> list[Motive]:
    """The client's taxonomy, families each followed by their sub-motives, in the client's order."""
    rows = session.scalars(sa.select(Motive).where(
        sa.or_(Motive.client_company_id.is_(None), Motive.client_company_id == client_company_id)
    ).order_by(Motive.sort_order, Motive.id)).all()
    by_code: dict[str, Motive] = {}
    for m in rows:
        if m.code not in by_code or m.client_company_id is not None:
            by_code[m.code] = m
    motives = [m for m in by_code.values() if include_inactive or m.active]
    families = sorted((m for m in motives if not m.parent_code), key=lambda m: (m.sort_order, m.id))
    out = []
    for family in families:
        out.append(family)
        out += sorted((m for m in motives if m.parent_code == family.code), key=lambda m: (m.sort_order, m.id))
    return out


def _label(text: str | None) -> str:
    """One line of printable text, at most 200 characters (the column's size)."""
    return " ".join("".join(ch for ch in (text or "") if ch.isprintable()).split())[:200]


def _own(session: Session, client_company_id: int, code: str) -> Motive:
    """The client's own row for ``code``, copied from the default the first time it is adapted."""
    own = session.scalar(sa.select(Motive).where(Motive.client_company_id == client_company_id, Motive.code == code))
    if own is not None:
        return own
    default = session.scalar(sa.select(Motive).where(Motive.client_company_id.is_(None), Motive.code == code))
    if default is None:
        raise NotFound(N_("No such motive."))
    own = Motive(client_company_id=client_company_id, code=code, parent_code=default.parent_code,
                 label_fr=default.label_fr, label_en=default.label_en, blocks_queue=default.blocks_queue,
                 asks_documents=default.asks_documents, sort_order=default.sort_order, active=default.active)
    session.add(own)
    return own


def adapt(session: Session, client_company_id: int, edits: list[MotiveEdit], new_parent: str | None,
          new_fr: str, new_en: str) -> tuple[dict[str, DomainError], list[str]]:
    """Apply the client's changes to its taxonomy (rename, reorder, deactivate, add a sub-motive).

    Returns the errors by form field (the caller rolls back when there are any) and the codes changed.
    Records already written keep the labels they were recorded with.
    """
    errors: dict[str, DomainError] = {}
    changed: list[str] = []
    current = {m.code: m for m in tree(session, client_company_id)}
    for edit in edits:
        motive = current.get(edit.code)
        if motive is None:
            continue
        label_fr, label_en = _label(edit.label_fr), _label(edit.label_en)
        if not label_fr:
            errors[f"motive-{edit.code}-label_fr"] = DomainError(N_("A motive needs a French label."),
                                                                 field=f"motive-{edit.code}-label_fr")
            continue
        try:
            order = int(edit.sort_order) if str(edit.sort_order).strip() else motive.sort_order
            if not -10 ** 6 < order < 10 ** 6:
                raise ValueError
        except ValueError:
            errors[f"motive-{edit.code}-order"] = DomainError(N_("The order is a whole number."),
                                                              field=f"motive-{edit.code}-order")
            continue
        wanted = (label_fr, label_en or label_fr, order, bool(edit.active))
        if wanted != (motive.label_fr, motive.label_en, motive.sort_order, motive.active):
            own = _own(session, client_company_id, edit.code)
            own.label_fr, own.label_en, own.sort_order, own.active = wanted
            changed.append(edit.code)
    new_fr, new_en = _label(new_fr), _label(new_en)
    if new_fr:
        parent = current.get(new_parent or "")
        if parent is None or parent.parent_code:
            errors["new_motive_parent"] = DomainError(N_("Choose the family of the new motive."),
                                                      field="new_motive_parent")
        else:
            n = 1 + sum(1 for code in current if code.startswith(f"{parent.code}.client_"))
            siblings = [m.sort_order for m in current.values() if m.parent_code == parent.code]
            session.add(Motive(client_company_id=client_company_id, code=f"{parent.code}.client_{n}",
                               parent_code=parent.code, label_fr=new_fr, label_en=new_en or new_fr,
                               blocks_queue=parent.blocks_queue, asks_documents=parent.asks_documents,
                               sort_order=max(siblings, default=parent.sort_order) + 1, active=True))
            changed.append(f"{parent.code}.client_{n}")
    session.flush()
    return errors, changed
