"""Files that are readable with a little care are read; what is wrong is said where it is, in the user's words."""
from __future__ import annotations

from campaigns.importing import checking, column_plan, header, reading
from campaigns.importing.parsing import text

HEADER = "Code client;Raison sociale;N° facture;Échéance;Reste dû;Commentaire"
ROWS = ["C001;Société Générale d'Électricité;F001;31/10/2026;1 200,50;relancé",
        "C002;Boulangerie Hélène;F002;15/11/2026;80,00;"]


def read(data: bytes):
    grid = reading.read_file(data, "export.csv")
    index = header.find_header(grid.rows)
    names = [text(c) for c in grid.rows[index]]
    plan = column_plan.plan(names, [[text(c) for c in r] for r in grid.rows[index + 1:]])
    return grid, index, plan, checking.check(grid.rows, index, plan.mapping(), ragged=True)


def test_utf16_without_a_byte_order_mark_is_read_in_both_byte_orders():
    body = "\r\n".join([HEADER, *ROWS]) + "\r\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        grid, _index, _plan, result = read(body.encode(encoding))
        assert result.accepted == 2, encoding
        assert {d.company_name for d in result.debtors.values()} == {"Société Générale d'Électricité",
                                                                      "Boulangerie Hélène"}


def test_lines_in_windows_1252_inside_a_utf8_file_are_read_right_and_named():
    lines = [HEADER.encode("utf-8"), ROWS[0].encode("utf-8"), ROWS[1].encode("cp1252"),
             "C003;Crème & Pâtisserie;F003;01/12/2026;10,00;".encode("utf-8"),
             "C004;Café de l'Étoile;F004;01/12/2026;20,00;à voir".encode("cp1252")]
    grid, _index, _plan, result = read(b"\n".join(lines) + b"\n")
    assert grid.odd_lines == [3, 5]
    assert {d.company_name for d in result.debtors.values()} == {
        "Société Générale d'Électricité", "Boulangerie Hélène", "Crème & Pâtisserie", "Café de l'Étoile"}


def test_a_file_wholly_in_windows_1252_is_not_called_mixed():
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode("cp1252")
    grid, *_ = read(data)
    assert grid.encoding == "cp1252" and grid.odd_lines == []


def test_a_row_with_more_fields_than_the_header_says_how_many_and_why():
    data = "\n".join(["Titre", HEADER, ROWS[0], "C002;Dupont; Fils;F002;15/11/2026;80,00;", ROWS[1]]) + "\n"
    _grid, _index, _plan, result = read(data.encode("utf-8"))
    (rejection,) = result.rejections
    assert rejection.row == 4
    assert rejection.reason == "7 fields instead of 6: a separator inside a value that is not in quotes?"
    assert result.accepted == 2


def test_a_row_cut_short_says_so_with_its_reason():
    data = "\n".join(["Titre", HEADER, ROWS[0], "C002;Dupont;F002"]) + "\n"
    _grid, _index, _plan, result = read(data.encode("utf-8"))
    (rejection,) = result.rejections
    assert rejection.reason == ("3 fields instead of 6: the line is cut short (missing amount)")


def test_a_header_under_four_hundred_lines_of_report_parameters_is_found():
    titles = [f"Paramètre {i};valeur {i}" for i in range(480)]
    data = "\n".join([*titles, HEADER, *ROWS]) + "\n"
    grid, index, _plan, result = read(data.encode("utf-8"))
    assert index == 480 and result.accepted == 2
