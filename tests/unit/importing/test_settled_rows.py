"""Rows saying an invoice is paid or was never issued are counted and listed, never loaded as open."""
from __future__ import annotations

import pytest

from campaigns.importing import checking

HEAD = ["Code client", "Raison sociale", "N° facture", "Échéance", "Reste dû", "Statut"]
MAPPING = {"customer_code": ["Code client"], "company_name": ["Raison sociale"], "invoice_number": ["N° facture"],
           "due_date": ["Échéance"], "outstanding": ["Reste dû"], "status": ["Statut"]}


@pytest.mark.parametrize("word", ["Payée", "payee", "Soldée", "Réglée", "Lettrée", "Paid", "Closed", "In Payment",
                                  "Acquittée", "PAID"])
def test_each_status_word_of_a_paid_invoice_is_settled(word):
    assert checking.settled_kind("Statut", word) == "settled"


@pytest.mark.parametrize("word", ["Draft", "Brouillon", "Void", "Voided", "Annulée", "Cancelled"])
def test_drafts_and_voided_invoices_were_never_issued(word):
    assert checking.settled_kind("Status", word) == "not_issued"


@pytest.mark.parametrize("header,value,kind", [
    ("paye", "1", "settled"), ("paye", "0", None), ("isOpen", "0", "settled"), ("isOpen", "1", None),
    ("Is Paid", "oui", "settled"), ("Statut", "À payer", None), ("Statut", "En retard", None),
    ("Status", "Partially Paid", None), ("Statut", "", None), ("Status", "Overdue", None)])
def test_flags_and_open_words(header, value, kind):
    assert checking.settled_kind(header, value) == kind


def test_settled_rows_and_zero_balances_are_counted_apart_and_every_row_is_accounted_for():
    rows = [HEAD,
            ["C1", "Alpha", "F1", "31/10/2026", "100,00", "À payer"],
            ["C1", "Alpha", "F2", "31/10/2026", "100,00", "Payée"],
            ["C2", "Beta", "F3", "31/10/2026", "0,00", ""],          # a zero balance: paid
            ["C2", "Beta", "F4", "31/10/2026", "50,00", "Brouillon"],
            ["", "", "", "", "", ""],
            ["C3", "Gamma", "", "31/10/2026", "50,00", ""],           # no number: rejected
            ["Total", "", "", "", "300,00", ""]]
    result = checking.check(rows, 0, MAPPING)
    out = result.as_dict()
    assert (out["accepted"], out["rejected"], out["settled"], out["not_issued"], out["skipped"]) == (1, 1, 2, 1, 2)
    assert out["rows_read"] == out["accepted"] + out["rejected"] + out["settled"] + out["not_issued"] + out["skipped"]
    assert [(s.row, s.kind, s.number) for s in result.settled] == [(3, "settled", "F2"), (4, "settled", "F3"),
                                                                  (5, "not_issued", "F4")]
    assert [i.number for i in result.invoices] == ["F1"] and set(result.debtors) == {"code:C1"}
