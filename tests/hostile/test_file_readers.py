"""Whatever bytes a client sends, the reader answers with a grid or a clear refusal: never a crash or a hang."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaigns.errors import DomainError
from campaigns.importing import guards, reading

from .files import (BROKEN_ENCODINGS, SAMPLES, far_cell, far_cell_elsewhere, huge_shared_strings, lying_sizes,
                    nested_xml, ods_repeated, one_long_line, outcome, rezip, sample, time_limit, wide_csv)

FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["clients.csv", "clients.xlsx", "clients.xls", "clients.ods", "clients.txt", "", "x.pdf"])


def refusal(data: bytes, name: str = "") -> str:
    with time_limit(60), pytest.raises(DomainError) as caught:
        reading.read_file(data, name)
    assert caught.value.field == "file"
    return str(caught.value)


@FAST
@given(st.binary(max_size=4000), NAMES)
@example(b"PK\x03\x04", "x.xlsx")
@example(codecs.BOM_UTF16_LE + b"\x00", "x.csv")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.xls")
def test_random_bytes_are_read_or_refused(data, name):
    with time_limit(30):
        assert outcome(data, name) in ("read", "refused")


@FAST
@given(st.sampled_from(SAMPLES), st.data())
def test_a_sample_file_cut_anywhere_is_read_or_refused(name, draw):
    data = sample(name)
    cut = draw.draw(st.integers(min_value=0, max_value=len(data) - 1), label="cut")
    with time_limit(30):
        assert outcome(data[:cut], name) in ("read", "refused")


@FAST
@given(st.sampled_from(SAMPLES), st.data())
def test_a_sample_file_with_flipped_bytes_is_read_or_refused(name, draw):
    data = bytearray(sample(name))
    for at in draw.draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8), label="positions"):
        data[at] = draw.draw(st.integers(0, 255), label="byte")
    with time_limit(30):
        assert outcome(bytes(data), name) in ("read", "refused")


@pytest.mark.parametrize("cut", [0, 4, 22, 30, 100, 1000, -1000, -200, -22, -1])
def test_a_truncated_workbook_is_refused_as_unreadable(cut):
    data = sample("receivables.xlsx")
    assert refusal(data[:cut]) in ("The file is not a spreadsheet we can read.", "The file is empty.")


@pytest.mark.parametrize("real, name", [("receivables.xlsx", "clients.csv"), ("sage_balance_cp1252.csv", "clients.xlsx"),
                                        ("libreoffice.ods", "clients.xls"), ("old_excel.xls", "clients.ods")])
def test_a_file_named_with_the_wrong_extension_is_read_by_its_content(real, name):
    assert reading.read_file(sample(real), name).rows


def test_a_pdf_named_xlsx_is_refused():
    assert refusal(sample("not_a_spreadsheet.pdf"), "clients.xlsx") == "The file is not a spreadsheet we can read."


def test_a_zip_bomb_in_the_shared_strings_is_refused_before_it_is_inflated():
    assert "once uncompressed" in refusal(huge_shared_strings())


def test_a_zip_bomb_that_lies_about_its_size_is_refused():
    assert refusal(lying_sizes()) == "The file is not a spreadsheet we can read."


def test_deeply_nested_shared_strings_are_read_or_refused():
    with time_limit(60):
        assert outcome(nested_xml()) in ("read", "refused")


@pytest.mark.parametrize("row, col", [(1_048_575, 16_383), (1_048_575, 200), (5_000, 1_500)])
def test_a_tiny_workbook_with_a_far_away_cell_is_refused_before_its_grid_is_built(row, col):
    # calamine allocates height x width cells and aborts the process when that fails: this must never reach it.
    message = refusal(far_cell(row, col))
    assert "columns" in message


def test_a_far_away_cell_in_a_sheet_stored_outside_the_usual_folder_is_refused_too():
    assert "columns" in refusal(far_cell_elsewhere())


def test_a_far_away_cell_within_the_limits_is_read():
    grid = reading.read_file(far_cell(2_000, 30))
    assert len(grid.rows) == 2_001 and len(grid.rows[0]) == 31


@pytest.mark.parametrize("rows, columns", [(1, 50_000), (1_000_000, 40), (20_000, 20_000)])
def test_an_opendocument_sheet_with_huge_repeats_is_refused(rows, columns):
    assert "columns" in refusal(ods_repeated(rows, columns))


def test_an_opendocument_sheet_with_a_few_repeats_is_read():
    grid = reading.read_file(ods_repeated(3, 3))
    assert ["x", "x", "x"] == grid.rows[0][:3]


def test_a_csv_with_ten_thousand_columns_is_refused_with_the_count():
    assert refusal(wide_csv(10_000)) == (f"The file has 10000 columns, more than the {guards.MAX_COLUMNS} we read: "
                                         "is it really a receivables file?")


def test_a_single_line_of_fifty_megabytes_is_refused():
    assert refusal(one_long_line()).startswith("A line of the file is longer than")


def test_a_file_of_separators_only_is_refused_before_it_is_parsed():
    lines = guards.MAX_CELLS // 999 + 1
    assert "cells" in refusal(b"a;b\n" + (b";" * 999 + b"\n") * lines)


@pytest.mark.parametrize("case", sorted(BROKEN_ENCODINGS))
def test_a_badly_encoded_text_file_is_read_or_refused(case):
    with time_limit(30):
        assert outcome(BROKEN_ENCODINGS[case], "clients.csv") in ("read", "refused")


def test_broken_utf8_is_read_as_windows_1252_without_losing_the_rows():
    grid = reading.read_file(BROKEN_ENCODINGS["broken UTF-8"])
    assert grid.encoding == "cp1252" and grid.rows[1][:2] == ["C1", "Dupont SA"]


def test_nul_bytes_in_a_text_file_are_refused_as_not_a_spreadsheet():
    assert refusal(BROKEN_ENCODINGS["NUL bytes"]) == "The file is not a spreadsheet we can read."


@FAST
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=8), min_size=1, max_size=30),
       st.sampled_from([";", ",", "\t", "|"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_table_of_text_is_read_or_refused(rows, separator, encoding):
    text = "\n".join(separator.join(cells) for cells in rows)
    with time_limit(30):
        assert outcome(text.encode(encoding, errors="replace"), "clients.csv") in ("read", "refused")


def test_a_zip_needing_an_unknown_version_is_refused_not_a_crash():
    data = bytearray(sample("receivables.xlsx"))
    at = data.find(b"PK\x01\x02")
    data[at + 6] = 74    # "version needed to extract: 7.4", which Python's zipfile raises NotImplementedError on
    assert refusal(bytes(data)) == "The file is not a spreadsheet we can read."


def test_nul_bytes_past_the_head_of_a_text_file_are_dropped_from_the_cells():
    grid = reading.read_file(BROKEN_ENCODINGS["NUL bytes past the sniffed head"])
    assert not any("\x00" in c for row in grid.rows for c in row if isinstance(c, str))
    assert grid.rows[-1][:2] == ["C3", ""]


def test_a_nul_character_inside_a_workbook_cell_is_dropped():
    def change(name, content):
        return content.replace(b"Boulangerie", b"Boulan_x0000_gerie") if name == "xl/sharedStrings.xml" else content
    grid = reading.read_file(rezip(sample("receivables.xlsx"), change))
    cells = [c for row in grid.rows for c in row if isinstance(c, str)]
    assert not any("\x00" in c for c in cells) and any(c.startswith("Boulangerie") for c in cells)
