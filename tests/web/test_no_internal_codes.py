"""Nothing internal reaches a user: no raw status code, field name or dict dump on a page or in a workbook.

The pages a manager, an agent and an administrator read every day, in French and in English, and the recap
workbook, over the campaign of `test_figures_identities` (every kind of outcome).
"""
from __future__ import annotations

import html
import re

import openpyxl
import pytest

from campaigns.models import (CallbackStatus, ContactResult, ImportKind, InvoiceChangeKind, InvoiceStatus,
                              MotiveStatus, PaymentMethod, PromiseStatus, QueueState, Role, UpdateLineKind)
from campaigns.recap import write_recap
from pathlib import Path

from tests.factories import WebClient
from tests.web.test_figures_identities import worked  # noqa: F401 - the shared campaign

DATA = Path(__file__).resolve().parents[1] / "data"
ENUMS = (CallbackStatus, ContactResult, ImportKind, InvoiceChangeKind, InvoiceStatus, MotiveStatus, PaymentMethod,
         PromiseStatus, QueueState, UpdateLineKind)
CODES = {m.value for e in ENUMS for m in e} | {"promise", "plan", "motive", "already_paid", "callback"}
SNAKE = {c for c in CODES if "_" in c}                              # never a word in any language
# English words, wrong on a French page ("promise" is French too: "la date promise").
ENGLISH_CODES = {c for c in CODES if c.isalpha()} - {"lcr", "promise"}
DUMP = re.compile(r"\{'|': |share_without|debtors_without|\b[a-z]+_[a-z_]+\b")


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|code)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def offending(text: str, french: bool) -> list[str]:
    words = set(re.findall(r"[A-Za-z_]+", text))
    found = (words & SNAKE) | (set(DUMP.findall(text)) - {"': "})
    if french:
        found |= words & ENGLISH_CODES
    return sorted(found)


def pages(app, campaign, manager, agent, admin):
    """(who, url, text) for the pages people read, logged in as each of them."""
    out = []
    # The dashboard holds the disputes and the numbers to find.
    for user, urls in ((manager, [f"/campaigns/{campaign.id}/supervision/", f"/manage/campaigns/{campaign.id}", "/",
                                  f"/campaigns/{campaign.id}/client/", f"/manage/campaigns/{campaign.id}/close",
                                  f"/rules/campaigns/{campaign.id}"]),
                       (agent, [f"/console/campaigns/{campaign.id}", "/console/", f"/console/campaigns/{campaign.id}/day"]),
                       (admin, ["/admin/audit"])):
        for language in ("fr", "en"):
            web = WebClient(app.test_client(), app)
            web.login(user)
            web.post(f"/lang/{language}")
            for url in urls:
                response = web.get(url)
                assert response.status_code == 200, (url, response.status_code)
                out.append((language, url, response.get_data(as_text=True)))
            if user is agent:   # the card of a debtor with a promise, a motive and calls in its history
                card = web.post(f"/console/campaigns/{campaign.id}/next", htmx=True)
                out.append((language, "card", card.get_data(as_text=True)))
    return out


def loaded_campaign(app, db, app_make):
    """A campaign loaded from a real file, with a payments list checked and waiting: (dashboard, batch) urls."""
    from campaigns.importing import service
    campaign = app_make.campaign(name="Fichier réel")
    folder = app.config["UPLOAD_FOLDER"]
    for name, kind in (("sage_balance_cp1252.csv", ImportKind.INITIAL),
                       ("releve_reglements_cp1252.csv", ImportKind.PAYMENTS)):
        batch = service.store_upload(db, campaign, name, (DATA / name).read_bytes(), folder, kind=kind)
        service.check(db, batch)
        if kind is ImportKind.INITIAL:
            service.apply(db, batch)
        db.commit()
    return [f"/campaigns/{campaign.id}/supervision/", f"/manage/campaigns/{campaign.id}/imports/{batch.id}"]


def test_no_page_shows_a_raw_code_or_a_dict_in_either_language(app, db, app_make, worked):  # noqa: F811
    campaign, (alice, _bob), _days = worked
    manager, admin = app_make.user(Role.MANAGER), app_make.user(Role.ADMIN)
    extra = loaded_campaign(app, db, app_make)
    seen = pages(app, campaign, manager, alice, admin)
    for language in ("fr", "en"):
        web = WebClient(app.test_client(), app)
        web.login(manager)
        web.post(f"/lang/{language}")
        seen += [(language, url, web.get(url).get_data(as_text=True)) for url in extra]
    assert any("Qualité du fichier" in page and "Débiteurs sans téléphone valide" in page for _, _, page in seen)
    for language, url, page in seen:
        assert offending(visible_text(page), french=language == "fr") == [], (language, url)


def test_the_recap_workbook_has_words_not_codes(db, worked, tmp_path):  # noqa: F811
    campaign, _agents, _days = worked
    out = tmp_path / "recap.xlsx"
    write_recap(db, campaign.id, str(out))
    book = openpyxl.load_workbook(out, read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, str):   # "virement" is both a code and the French word
                    assert cell not in CODES - {"virement"} and not DUMP.search(cell), (sheet.title, cell)


@pytest.mark.parametrize("code", sorted(SNAKE)[:3])
def test_the_scan_itself_finds_a_code(code):
    assert offending(f"<p>Statut : {code}</p>", french=True) == [code]
