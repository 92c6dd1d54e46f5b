"""The first sheet, ``Synthèse``: the mission, its headline figures, the motives and two native charts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import PromiseStatus
from ..supervision.quality import quality_lines
from ..supervision import figures as fig
from .cells import Formats, SheetWriter, to_local

SHEET = "Synthèse"


def write_summary(session: Session, workbook, formats: Formats, campaign_id: int, final: bool,
                  now: datetime, owed=None) -> fig.CampaignFigures:
    campaign, client_name = fig.campaign_header(session, campaign_id)
    f = fig.campaign_figures(session, campaign_id)
    motives = fig.motive_breakdown(session, campaign_id)
    weeks = fig.promises_by_week(session, campaign_id)

    sheet = SheetWriter(workbook, formats, SHEET, [
        ("", "text", 42), ("", "text", 30), ("", "int", 12), ("", "int", 12), ("", "money", 18), ("", "percent", 12),
    ])
    ws = sheet.ws
    ws.freeze_panes(0, 0)
    ws.repeat_rows(0, 0)
    row = 0
    ws.write_string(row, 0, "Récapitulatif de mission", formats.title)
    row += 2

    def pair(label, value, kind="text"):
        nonlocal row
        ws.write_string(row, 0, label, formats.bold)
        if value is None:
            pass
        elif kind == "money":
            ws.write_number(row, 1, value / 100, formats.money)
        elif kind == "date":
            ws.write_datetime(row, 1, value, formats.date)
        elif kind == "datetime":
            ws.write_datetime(row, 1, to_local(value), formats.datetime)
        elif kind == "percent":
            ws.write_number(row, 1, value, formats.percent)
        elif kind == "int":
            ws.write_number(row, 1, value)
        else:
            sheet.text(row, 1, value)
        row += 1

    pair("Client", client_name)
    pair("Mission", campaign.name)
    pair("Début", campaign.period_start, "date")
    pair("Fin", campaign.period_end, "date")
    pair("Récapitulatif", "final" if final else "intermédiaire")
    pair("Produit le", now, "datetime")
    row += 1
    ws.write_string(row, 0, "Chiffres clés", formats.section)
    row += 1
    kept, partly, broken, pending = (f.status(s) for s in (
        PromiseStatus.KEPT, PromiseStatus.PARTIALLY_KEPT, PromiseStatus.BROKEN, PromiseStatus.PENDING))
    pair("Montant confié", f.amount_placed_cents, "money")
    pair("Factures confiées", f.invoices_placed, "int")
    pair("Débiteurs confiés", f.debtors_placed, "int")
    if f.credit_balances:
        pair("Comptes à solde créditeur (rien à recouvrer)", f.credit_balances, "int")
        pair("Montant des soldes créditeurs", f.credit_balances_cents, "money")
    pair("Montant promis", f.promised_cents, "money")
    pair("Montant payé depuis le début", f.paid_since_start_cents, "money")
    pair("Montant en litige (ouvert)", f.disputed_open_cents, "money")
    if f.corrected_cents:
        pair("Montant corrigé par le client (factures corrigées, pas des paiements)", f.corrected_cents, "money")
    pair("Montant non joint", f.amount_not_reached_cents, "money")
    pair("Reste dû aujourd'hui", f.outstanding_now_cents, "money")
    pair("Reste à appeler", f.amount_remaining_cents, "money")
    pair("Débiteurs travaillés", f.debtors_worked, "int")
    pair("Débiteurs joints", f.debtors_reached, "int")
    pair("Débiteurs injoignables", f.debtors_unreachable, "int")
    pair("Appels passés", f.calls, "int")
    pair("Appels aboutis (interlocuteur joint, refus compris)", f.completed_calls, "int")
    pair("Taux de contact utile", f.right_party_rate, "percent")
    pair("Taux de promesse (débiteurs joints)", f.promise_rate, "percent")
    pair("Promesses", f.promises, "int")
    pair("Promesses tenues", kept[0], "int")
    pair("Promesses partiellement tenues", partly[0], "int")
    pair("Promesses non tenues", broken[0], "int")
    pair("Promesses en attente", pending[0], "int")
    row += 1

    if f.other_currencies:   # amounts in other currencies, each apart: never added to the euros above
        ws.write_string(row, 0, f"Autres devises (montants ci-dessus en {f.currency} seulement)", formats.section)
        row += 1
        for code, c in f.other_currencies.items():
            money = formats.money_in(code)
            ws.write_string(row, 0, f"Devise {code}", formats.bold)
            row += 1
            for label, cents in (("Montant confié", c.amount_placed_cents), ("Montant promis", c.promised_cents),
                                 ("Montant payé depuis le début", c.paid_since_start_cents),
                                 ("Montant en litige (ouvert)", c.disputed_open_cents),
                                 ("Montant non joint", c.amount_not_reached_cents),
                                 ("Reste dû aujourd'hui", c.outstanding_now_cents),
                                 ("Reste à appeler", c.amount_remaining_cents)):
                ws.write_string(row, 0, label)
                ws.write_number(row, 1, cents / 100, money)
                row += 1
            ws.write_string(row, 0, "Débiteurs confiés")
            ws.write_number(row, 1, c.debtors_placed)
            row += 1
        row += 1

    if owed is not None and (owed.claimable_cents or owed.waived_cents):
        ws.write_string(row, 0, "Pénalités de retard (factures en euros, à ce jour)", formats.section)
        row += 1
        pair("Indemnités forfaitaires exigibles (40 € par facture)", owed.claimable_indemnity_cents, "money")
        pair("Intérêts de retard exigibles", owed.claimable_interest_cents, "money")
        pair("Total exigible", owed.claimable_cents, "money")
        pair("dont sur des factures réglées depuis (payées en retard)", owed.on_paid_invoices_cents, "money")
        if owed.estimated_interest_cents:
            pair("dont intérêts sur des échéances estimées", owed.estimated_interest_cents, "money")
        pair("Abandonnées (promesses tenues)", owed.waived_cents, "money")
        row += 1

    quality = quality_lines(f)
    if quality:
        ws.write_string(row, 0, "Qualité du fichier", formats.section)
        row += 1
        pair("Fichier", f.quality.get("file_name"))
        for line in quality:
            pair(line.label_fr, line.value, line.kind)
        row += 1

    ws.write_string(row, 0, "Motifs de non-paiement", formats.section)
    row += 1
    for c, title in enumerate(("Famille de motifs", "Motif", "Factures", "Débiteurs", "Montant", "Part du total")):
        ws.write_string(row, c, title, formats.header)
    row += 1
    first_motive = row
    mine = [m for m in motives if m.currency == f.currency]   # listed first (motive_breakdown)
    for m in motives:
        sheet.text(row, 0, m.family)
        sheet.text(row, 1, m.label if m.currency == f.currency else f"{m.label} ({m.currency})")
        ws.write_number(row, 2, m.invoices)
        ws.write_number(row, 3, m.debtors)
        ws.write_number(row, 4, m.amount_cents / 100, formats.money_in(m.currency))
        ws.write_number(row, 5, m.share, formats.percent)
        row += 1
    last_motive = first_motive + len(mine) - 1      # the chart compares the campaign currency's amounts
    ws.write_string(row, 0, "Total" if len(mine) == len(motives) else f"Total en {f.currency}", formats.bold)
    ws.write_number(row, 2, sum(m.invoices for m in mine))
    ws.write_number(row, 4, sum(m.amount_cents for m in mine) / 100, formats.money_bold)
    ws.write_number(row, 5, sum(m.amount_cents for m in mine) / f.amount_placed_cents
                    if f.amount_placed_cents else 0, formats.percent)
    row += 2

    ws.write_string(row, 0, "Promesses par semaine d'échéance", formats.section)
    row += 1
    for c, title in enumerate(("Semaine du", "", "Paiements", "", "Montant")):
        if title:
            ws.write_string(row, c, title, formats.header)
    row += 1
    first_week = row
    for monday, count, amount in weeks:
        ws.write_datetime(row, 0, monday, formats.date)
        ws.write_number(row, 2, count)
        ws.write_number(row, 4, amount / 100, formats.money)
        row += 1
    last_week = row - 1

    if mine:
        chart = workbook.add_chart({"type": "pie"})
        chart.add_series({
            "name": "Motifs par montant",
            "categories": [SHEET, first_motive, 1, last_motive, 1],
            "values": [SHEET, first_motive, 4, last_motive, 4],
            "data_labels": {"percentage": True},
        })
        chart.set_title({"name": "Motifs de non-paiement (montant)"})
        ws.insert_chart(2, 7, chart, {"x_scale": 1.1, "y_scale": 1.1})
    if weeks:
        chart = workbook.add_chart({"type": "column"})
        chart.add_series({
            "name": "Montant promis",
            "categories": [SHEET, first_week, 0, last_week, 0],
            "values": [SHEET, first_week, 4, last_week, 4],
        })
        chart.set_title({"name": "Promesses par semaine d'échéance"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"text_axis": True, "num_format": "dd/mm"})
        chart.set_y_axis({"num_format": '#,##0\\ "€"'})
        ws.insert_chart(20, 7, chart, {"x_scale": 1.1, "y_scale": 1.1})
    ws.fit_to_pages(1, 1)
    return f
