"""The mapping a manager is shown: each column's field with the reason, doubtful choices asked, never assumed."""
from __future__ import annotations

import random

from campaigns.importing import column_plan


def rows(*columns):
    """Sample rows (as text) from column value lists."""
    return [list(values) for values in zip(*columns)]


def customers(n=40, seed=3):
    rng = random.Random(seed)
    codes = [f"{rng.randrange(10**8, 10**9):010d}" for _ in range(8)]   # 10 digits, leading zeros
    names = ["Dupont SA", "Martin et Fils", "Cave Lambert", "Optique Blanc", "BTP Leroy", "Garage Petit",
             "Boulangerie Roux", "Hôtel du Lac"]
    picks = [rng.randrange(8) for _ in range(n)]
    return [codes[p] for p in picks], [names[p] for p in picks]


def test_ten_digit_customer_numbers_with_a_leading_zero_are_never_silently_taken_for_phones():
    codes, names = customers()
    n = len(codes)
    headers = ["Debitor", "Raison sociale", "N° facture", "Échéance", "Solde"]
    plan = column_plan.plan(headers, rows(codes, names, [f"FA{i:05d}" for i in range(n)], ["31/10/2026"] * n,
                                          ["120,00"] * n))
    choice = plan.choice_of("Debitor")
    assert choice is None or not choice.sure          # asked, at worst; never a phone without a word
    assert "phone" not in {c.field for c in plan.choices.values() if c.sure}


def test_with_no_customer_column_bare_numbers_shared_by_rows_are_offered_as_the_customer_number_to_confirm():
    codes, _names = customers()
    n = len(codes)
    plan = column_plan.plan(["Kunnr", "Invoice", "Due date", "Balance"],
                            rows(codes, [f"9{i:07d}" for i in range(n)], ["2026-10-31"] * n, ["10.00"] * n))
    assert plan.mapping()["customer_code"] == ["Kunnr"] and "phone" not in plan.mapping()
    assert [c.field for c in plan.uncertain()] == ["customer_code"]


def test_phones_written_as_phones_are_taken_by_their_contents_alone():
    n = 30
    plan = column_plan.plan(["Code", "Nom", "Facture", "Echeance", "Solde", "Joindre au"],
                            rows([f"C{i % 5}" for i in range(n)], ["Dupont SA"] * n, [f"F{i}" for i in range(n)],
                                 ["31/10/2026"] * n, ["1,00"] * n, [f"01 45 67 89 {i:02d}" for i in range(n)]))
    assert plan.choices["phone"].columns == ["Joindre au"] and plan.choices["phone"].sure


def test_a_date_column_is_never_the_invoice_number():
    n = 20
    plan = column_plan.plan(["Client", "Invoice", "Invoice No", "Due Date", "Amount"],
                            rows(["Acme Corp"] * n, ["10/01/2026"] * n, [f"INV-{i}" for i in range(n)],
                                 ["11/01/2026"] * n, ["10.00"] * n))
    assert plan.mapping()["invoice_number"] == ["Invoice No"]
    alone = column_plan.plan(["Client", "Numéro", "Échéance", "Solde"],
                             rows(["Acme"] * n, [f"{d:02d}/01/2026" for d in range(1, n + 1)], ["31/01/2026"] * n,
                                  ["1,00"] * n))
    assert [c.field for c in alone.uncertain()] == ["invoice_number"]


def test_the_internal_id_gives_way_to_the_invoice_number_and_two_equal_candidates_are_a_question():
    n = 20
    zoho = column_plan.plan(["Invoice ID", "Invoice Number", "Customer Name", "Due Date", "Balance"],
                            rows([str(4_587_000_000 + i) for i in range(n)], [f"INV-{i:06d}" for i in range(n)],
                                 ["Acme"] * n, ["2026-10-31"] * n, ["5.00"] * n))
    assert zoho.mapping()["invoice_number"] == ["Invoice Number"] and not zoho.uncertain()
    twins = column_plan.plan(["N° facture", "Réf. facture", "Client", "Échéance", "Solde"],
                             rows([f"FA-{i}" for i in range(n)], [f"{400 + i:06d}" for i in range(n)], ["Acme"] * n,
                                  ["31/10/2026"] * n, ["5,00"] * n))
    (doubt,) = twins.uncertain()
    assert doubt.field == "invoice_number" and doubt.reason == column_plan.R_TIE
    assert doubt.params["columns"] == ["N° facture", "Réf. facture"]


def test_the_customer_id_is_the_code_and_the_customer_column_of_names_is_the_name():
    n = 30
    plan = column_plan.plan(["Customer", "Customer ID", "Invoice", "Due Date", "Open Balance"],
                            rows([["Acme Corp", "Globex Inc", "Initech LLC"][i % 3] for i in range(n)],
                                 [f"C{i % 3}" for i in range(n)], [f"I{i}" for i in range(n)], ["10/31/2026"] * n,
                                 ["5.00"] * n))
    assert plan.mapping()["customer_code"] == ["Customer ID"]
    assert plan.mapping()["company_name"] == ["Customer"]


def test_a_header_the_contents_do_not_bear_out_is_uncertain_and_says_why():
    n = 20
    plan = column_plan.plan(["Client", "Facture", "Échéance", "Solde"],
                            rows(["Acme"] * n, [f"F{i}" for i in range(n)], ["à réception"] * n, ["5,00"] * n))
    (doubt,) = plan.uncertain()
    assert doubt.field == "due_date" and doubt.reason == column_plan.R_NOT_DATES and doubt.params["share"] == "0 %"
    sure = plan.choices["outstanding"]
    assert sure.sure and sure.reason == column_plan.R_AMOUNTS and sure.params["share"] == "100 %"


def test_a_remembered_mapping_survives_renamed_and_new_columns_and_says_what_changed():
    n = 20
    first_headers = ["Code client", "Raison sociale", "N° facture", "Échéance", "Reste dû"]
    first_rows = rows([f"C{i % 4}" for i in range(n)], ["Acme"] * n, [f"F{i}" for i in range(n)],
                      ["31/10/2026"] * n, ["5,00"] * n)
    first = column_plan.plan(first_headers, first_rows)
    remembered, columns = first.mapping(), first.remember(first_headers)
    remembered["due_date"] = ["Échéance"]
    second_headers = ["Raison Sociale", "CODE CLIENT", "N° facture", "Date d'échéance", "Reste dû", "Téléphone"]
    second = column_plan.plan(second_headers, rows(["Acme"] * n, [f"C{i % 4}" for i in range(n)],
                                                   [f"F{i}" for i in range(n)], ["30/11/2026"] * n, ["5,00"] * n,
                                                   ["06 12 34 56 78"] * n), remembered, columns)
    assert second.mapping() == {"customer_code": ["CODE CLIENT"], "company_name": ["Raison Sociale"],
                                "invoice_number": ["N° facture"], "due_date": ["Date d'échéance"],
                                "outstanding": ["Reste dû"], "phone": ["Téléphone"]}
    said = {(c.message, tuple(sorted(c.params.items()))) for c in second.changes}
    assert (column_plan.C_RENAMED, (("new", "CODE CLIENT"), ("old", "Code client"))) in said
    assert (column_plan.C_RENAMED, (("new", "Date d'échéance"), ("old", "Échéance"))) in said
    assert (column_plan.C_ADDED, (("new", "Téléphone"),)) in said
    assert (column_plan.C_MOVED, ()) in said
    renamed_by_values = second.choices["due_date"]
    assert not renamed_by_values.sure and renamed_by_values.reason == column_plan.R_SAME_VALUES


def test_a_column_left_out_last_time_stays_out():
    n = 10
    headers = ["Code client", "Nom", "Facture", "Échéance", "Solde", "Commentaire"]
    sample = rows([f"C{i}" for i in range(n)], ["Acme"] * n, [f"F{i}" for i in range(n)], ["31/10/2026"] * n,
                  ["1,00"] * n, ["rien"] * n)
    first = column_plan.plan(headers, sample)
    remembered = {f: c for f, c in first.mapping().items() if f != "comment"}
    again = column_plan.plan(headers, sample, remembered, first.remember(headers))
    assert "comment" not in again.mapping() and not again.changes
