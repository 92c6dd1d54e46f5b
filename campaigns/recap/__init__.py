"""The end-of-mission recap workbook (xlsxwriter, constant memory, streamed queries).

``write_recap(session, campaign_id, target)`` writes the seven sheets, in this order: Synthèse,
Engagements, Litiges, Non joints, Factures, Appels, E-mails, Production, Mises en demeure. ``write_enriched`` returns the client's own file
with the outcome columns appended (see enriched.py).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import Session

from .. import audit, penalties, shift
from ..models import Campaign, Invoice, utcnow
from ..payment_references import grouped
from ..supervision.purge import FINAL_RECAP_ACTION
from . import labels as L
from . import queries
from .cells import WORKBOOK_OPTIONS, Formats, SheetWriter
from .enriched import write_enriched
from .synthese import write_summary

SHEETS = ("Synthèse", "Engagements", "Litiges", "Non joints", "Factures", "Appels", "E-mails", "Production",
          "Mises en demeure")

ENGAGEMENTS = [("Code client", "text", 14), ("Société", "text", 32), ("Factures", "text", 28),
               ("Montant", "money", 15), ("Date promise", "date", 13), ("Moyen de paiement", "text", 16),
               ("Statut", "text", 18), ("Échéance", "text", 10), ("Montant payé", "money", 15),
               ("Agent", "text", 20), ("Enregistrée le", "datetime", 16), ("Référence de paiement", "text", 24)]
LITIGES = [("Code client", "text", 14), ("Société", "text", 30), ("Contact", "text", 22),
           ("N° facture", "text", 16), ("Montant", "money", 15), ("Motif", "text", 24), ("Sous-motif", "text", 28),
           ("Détails de l'agent", "text", 40), ("Documents demandés", "text", 30), ("Agent", "text", 18),
           ("Relevé le", "datetime", 16), ("Statut", "text", 10), ("Résolution", "text", 30)]
NON_JOINTS = [("Code client", "text", 14), ("Société", "text", 32), ("Contact", "text", 22),
              ("Reste dû", "money", 15), ("Tentatives", "int", 11), ("Dernière tentative", "datetime", 17),
              ("Téléphones", "text", 30), ("Dernier résultat", "text", 20), ("État", "text", 14)]
FACTURES = [("Code client", "text", 14), ("Société", "text", 30), ("N° facture", "text", 16),
            ("Date facture", "date", 12), ("Échéance", "date", 12), ("Montant dû", "money", 15),
            ("Reste dû aujourd'hui", "money", 16), ("Statut final", "text", 13), ("Motif", "text", 26),
            ("Date promise", "date", 13), ("Moyen de paiement", "text", 16), ("Dernier appel", "datetime", 16),
            ("Échéance estimée", "text", 14), ("Indemnité forfaitaire", "money", 14),
            ("Intérêts de retard", "money", 14), ("Pénalités : précisions", "text", 36),
            ("Suspendue par le client (motif)", "text", 30)]
APPELS = [("Date et heure", "datetime", 16), ("Agent", "text", 20), ("Code client", "text", 14),
          ("Débiteur", "text", 30), ("Téléphone", "text", 16), ("Résultat", "text", 20), ("Issue", "text", 14),
          ("Durée (s)", "int", 10), ("Notes", "text", 60)]
EMAILS = [("Date et heure", "datetime", 16), ("Code client", "text", 14), ("Débiteur", "text", 30),
          ("E-mail", "text", 26), ("Destinataires", "text", 34), ("Objet", "text", 50), ("Statut", "text", 20),
          ("Réponse du serveur", "text", 40)]
PRODUCTION = [("Jour", "date", 12), ("Négociateur", "text", 24), ("Appels", "int", 9), ("Appels aboutis", "int", 12),
              ("Promesses", "int", 11), ("Temps connecté (min)", "int", 14), ("Conversation (min)", "int", 14),
              ("Post-appel (min)", "int", 13), ("Taux d'occupation", "text", 13), ("Aboutis par heure", "text", 13)]

MISES_EN_DEMEURE = [("Code client", "text", 14), ("Société", "text", 30), ("Référence", "text", 14),
                    ("Rédigée le", "date", 12), ("Signée par", "text", 26), ("Principal", "money", 15),
                    ("Indemnités", "money", 13), ("Intérêts", "money", 13), ("Total réclamé", "money", 15),
                    ("À régler avant le", "date", 14), ("Mode d'envoi", "text", 22), ("N° de suivi", "text", 18),
                    ("Envoyée le", "date", 12), ("Reçue le", "date", 12), ("Refusée le", "date", 12),
                    ("État du débiteur", "text", 20), ("Données conservées", "text", 12),
                    ("Empreinte du PDF (SHA-256)", "text", 30)]


def write_recap(session: Session, campaign_id: int, target, final: bool = False, user_id: int | None = None,
                progress=None, now: datetime | None = None) -> dict:
    """Write the recap workbook of a campaign to ``target`` (a path or a binary file object).

    Returns a few totals (rows per sheet, sum of ``Montant dû`` in cents). A final recap is logged in the
    audit: it is the condition for purging the personal data. ``progress(done, total)`` is called as
    invoices are written.
    """
    now = now or utcnow()
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    workbook.set_properties({"title": "Récapitulatif de mission", "author": "Relance"})
    formats = Formats(workbook)
    campaign = session.get(Campaign, campaign_id)
    owed = penalties.for_campaign(session, campaign)
    figures = write_summary(session, workbook, formats, campaign_id, final, now, owed)
    totals = {"amount_placed_cents": figures.amount_placed_cents}
    # The invoice sheet lists every invoice, credit balances' included: its progress counts them all.
    invoice_rows = session.scalar(sa.select(sa.func.count()).select_from(Invoice)
                                  .where(Invoice.campaign_id == campaign_id)) or 0

    sheet = SheetWriter(workbook, formats, "Engagements", ENGAGEMENTS)
    sheet.header()
    for code, company, numbers, amount, day, method, status, seq, paid, agent, created, is_plan, reference in \
            queries.promises(session, campaign_id):
        sheet.write((code, company, numbers, amount, day, L.label(L.METHOD, method), L.label(L.PROMISE, status),
                     f"{seq}" if is_plan and seq else "", paid, agent, created, grouped(reference) if reference else ""))
    sheet.finish()
    totals["Engagements"] = sheet.row - 1

    sheet = SheetWriter(workbook, formats, "Litiges", LITIGES)
    sheet.header()
    for row in queries.disputes(session, campaign_id):
        *head, status, resolution = row
        sheet.write((*head, L.label(L.MOTIVE, status), resolution))
    sheet.finish()
    totals["Litiges"] = sheet.row - 1

    sheet = SheetWriter(workbook, formats, "Non joints", NON_JOINTS)
    sheet.header()
    for *head, last_result, state in queries.not_reached(session, campaign_id):
        sheet.write((*head, L.label(L.RESULT, last_result), L.label(L.QUEUE, state)))
    sheet.finish()
    totals["Non joints"] = sheet.row - 1

    sheet = SheetWriter(workbook, formats, "Factures", FACTURES)
    sheet.header()
    due_sum = 0
    write, invoice_label, method_label = sheet.write, L.INVOICE, L.METHOD
    main = figures.currency
    for n, (code, company, number, inv_date, due, initial, now_cents, status, motive, p_date, p_method, last,
            *_, estimated, currency, invoice_id, held) in enumerate(queries.invoices(session, campaign_id), 1):
        pen = owed.by_invoice.get(invoice_id)
        if currency == main:      # the total due is the campaign currency's; the others are per currency
            due_sum += initial
        else:
            initial, now_cents = (initial, currency), (now_cents, currency)
        write((code, company, number, inv_date, due, initial, now_cents, invoice_label.get(status),
               motive, p_date, method_label.get(p_method), last,
               "oui (date de facture + délai de paiement)" if estimated else None,
               pen.indemnity_cents if pen else None, pen.interest_cents if pen else None, penalties.note(pen),
               held))
        if progress and n % 10_000 == 0:
            progress(n, invoice_rows)
    sheet.finish()
    totals["Factures"] = sheet.row - 1
    totals["montant_du_cents"] = due_sum

    sheet = SheetWriter(workbook, formats, "Appels", APPELS)
    sheet.header()
    for at, agent, code, company, phone, result, outcome, duration, notes in queries.calls(session, campaign_id):
        sheet.write((at, agent, code, company, phone, L.RESULT.get(result), L.OUTCOME.get(outcome), duration, notes))
    sheet.finish()
    totals["Appels"] = sheet.row - 1

    sheet = SheetWriter(workbook, formats, "E-mails", EMAILS)
    sheet.header()
    for at, code, company, kind, recipients, subject, status, error in queries.messages(session, campaign_id):
        sheet.write((at, code, company, L.MESSAGE_KIND.get(kind, kind), ", ".join(recipients or []), subject,
                     L.label(L.MESSAGE_STATUS, status), error))
    sheet.finish()
    totals["E-mails"] = sheet.row - 1

    # The production per negotiator and day (campaigns.shift); pauses and their reasons stay internal.
    sheet = SheetWriter(workbook, formats, "Production", PRODUCTION)
    sheet.header()
    for day, t in shift.production(session, campaign, now):
        sheet.write((day, t.name, t.calls, t.completed, t.promises, round(t.logged / 60), round(t.talk / 60),
                     round(t.wrap_up / 60), f"{t.occupancy:.0%}".replace("%", " %") if t.occupancy is not None else None,
                     f"{t.completed_per_hour:.1f}".replace(".", ",") if t.completed_per_hour is not None else None))
    sheet.finish()
    totals["Production"] = sheet.row - 1

    sheet = SheetWriter(workbook, formats, "Mises en demeure", MISES_EN_DEMEURE)
    sheet.header()
    for n, code, company, state in queries.formal_notices(session, campaign_id):
        sheet.write((code, company, n.reference, n.issued_on, L.NOTICE_SENDER.get(n.sender),
                     (n.principal_cents, n.currency), n.indemnity_cents, n.interest_cents,
                     (n.total_cents, n.currency), n.deadline_on, L.NOTICE_CHANNEL.get(n.channel),
                     n.tracking_reference, n.sent_on, n.received_on, n.refused_on, L.label(L.QUEUE, state),
                     "oui" if n.on_hold else "non", n.pdf_sha256))
    sheet.finish()
    totals["Mises en demeure"] = sheet.row - 1

    workbook.close()
    if progress:
        progress(invoice_rows, invoice_rows)
    if final:
        campaign = session.get(Campaign, campaign_id)
        audit.record(session, user_id, FINAL_RECAP_ACTION, campaign, campaign_id=campaign_id,
                     invoices=totals["Factures"], montant_du_cents=due_sum)
        session.flush()
    return totals


__all__ = ["SHEETS", "write_enriched", "write_recap"]
