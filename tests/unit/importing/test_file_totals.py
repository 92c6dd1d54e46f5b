"""The file's own total lines are compared with its rows: zero when they agree, else the rows that explain it."""
from campaigns.importing.checking import check

HEADER = ["Code client", "Raison sociale", "N° facture", "Échéance", "Reste dû"]
MAPPING = {"customer_code": ["Code client"], "company_name": ["Raison sociale"], "invoice_number": ["N° facture"],
           "due_date": ["Échéance"], "outstanding": ["Reste dû"]}


def run(rows):
    return check([HEADER, *rows], 0, MAPPING)


def test_subtotals_and_a_grand_total_that_agree_with_the_rows_give_no_difference():
    result = run([["A1", "Alpha", "F1", "01/06/2026", "1 000,00"], ["A1", "Alpha", "F2", "01/07/2026", "250,50"],
                  ["", "Total client A1", "", "", "1 250,50"],
                  ["B1", "Beta", "F3", "01/06/2026", "99,50"], ["", "Total client B1", "", "", "99,50"],
                  ["", "Total général", "", "", "1 350,00"]])
    totals = result.as_dict()
    assert (totals["file_total"], totals["difference"], totals["subtotals_checked"]) == ("1350.00", "0.00", 2)
    assert totals["subtotals_off"] == [] and result.accepted == 3


def test_a_rejected_row_counts_in_the_rows_and_an_unreadable_one_is_named():
    result = run([["A1", "Alpha", "F1", "01/06/2026", "1 000,00"], ["A1", "Alpha", "F2", "31/02/2026", "200,00"],
                  ["B1", "Beta", "F3", "01/06/2026", "à voir"], ["", "Total", "", "", "1 500,00"]])
    totals = result.as_dict()
    assert result.accepted == 1 and result.rejected == 2          # an impossible date, an unreadable amount
    assert (totals["rows_total"], totals["difference"], totals["unreadable_rows"]) == ("1200.00", "300.00", [4])


def test_a_subtotal_that_does_not_match_its_customers_rows_is_listed():
    result = run([["A1", "Alpha", "F1", "01/06/2026", "100,00"], ["", "Total client A1", "", "", "120,00"]])
    assert result.as_dict()["subtotals_off"] == [{"row": 3, "file": "120.00", "rows": "100.00"}]
    assert result.as_dict()["file_total"] is None and result.as_dict()["difference"] is None
