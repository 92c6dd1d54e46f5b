"""An administrator keeps the published rates the penalties rest on: reads each half-year's ECB and legal rate
with the late-payment default and the floor they give, and records a new one, on the page or the command line."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from campaigns.models import AuditEntry, LegalRate, Role


def _seed(db):
    db.add_all([LegalRate(kind=LegalRate.ECB_REFI, starts_on=date(2025, 7, 1), rate=Decimal("2.15"),
                          source="ECB monetary policy decision of 5 June 2025"),
                LegalRate(kind=LegalRate.LEGAL_INTEREST, starts_on=date(2025, 7, 1), rate=Decimal("2.76"),
                          source="Arrêté du taux de l'intérêt légal, second semestre 2025")])
    db.commit()


def test_an_administrator_reads_the_rates_and_what_they_give(web, app_make, db):
    _seed(db)
    web.login(app_make.user(Role.ADMIN))
    page = web.get("/admin/rates")
    assert page.status_code == 200 and "Taux d'intérêt" in page.text
    row = page.text.split('id="half-2025-H2"')[1].split("</tr>")[0]
    assert "2,15 %" in row and "12,15 %" in row        # ECB + 10 points
    assert "2,76 %" in row and "8,28 %" in row          # the floor: 3 × the legal rate
    assert "ECB monetary policy decision of 5 June 2025" in row


def test_an_administrator_records_a_rate_and_it_is_audited(web, app_make, db):
    _seed(db)
    web.login(app_make.user(Role.ADMIN))
    done = web.post("/admin/rates", {"kind": "ecb", "half_year": "2027-H1", "rate": "2,40",
                                     "source": "ECB monetary policy decision of 17 December 2026"})
    assert done.status_code == 303
    assert "Taux du semestre 2027-H1 enregistré." in web.get("/admin/rates").text
    db.expire_all()
    saved = db.scalar(sa.select(LegalRate).where(LegalRate.starts_on == date(2027, 1, 1)))
    assert saved.rate == Decimal("2.40") and saved.kind == LegalRate.ECB_REFI
    assert db.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "rate.added"))


def test_a_wrong_rate_a_duplicate_and_a_missing_source_are_each_told_and_nothing_is_saved(web, app_make, db):
    _seed(db)
    web.login(app_make.user(Role.ADMIN))
    bad = web.post("/admin/rates", {"kind": "ecb", "half_year": "2025-H2", "rate": "abc", "source": ""})
    assert bad.status_code == 422
    assert "Ce taux est déjà saisi pour 2025-H2 (2,15 %)." in bad.text.replace("&#39;", "'")
    assert "Le taux est un pourcentage annuel entre -5 et 50" in bad.text
    assert "Indiquez où le taux a été publié" in bad.text.replace("&#39;", "'")
    odd = web.post("/admin/rates", {"kind": "ecb", "half_year": "2027 premier", "rate": "2", "source": "x"})
    assert odd.status_code == 422 and "Le semestre s" in odd.text
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(LegalRate)) == 2


def test_only_administrators_reach_the_rates(web, app_make):
    for role in (Role.MANAGER, Role.AGENT, Role.CLIENT):
        web.login(app_make.user(role))
        assert web.get("/admin/rates").status_code in (403, 404)
        web.post("/logout")


def test_the_page_speaks_english_too(web, app_make, db):
    _seed(db)
    web.login(app_make.user(Role.ADMIN))
    web.post("/lang/en", data={"next": "/"})
    page = web.get("/admin/rates").text
    assert "Interest rates" in page and "Late-payment default (ECB + 10 points)" in page


def test_the_command_line_lists_and_adds_rates(app, db):
    _seed(db)
    runner = app.test_cli_runner()
    added = runner.invoke(args=["rates", "add", "legal", "2027-H1", "3,10", "--source", "Arrêté du 20 décembre 2026"])
    assert added.exit_code == 0 and "legal rate of 2027-H1: 3.10 %" in added.output
    again = runner.invoke(args=["rates", "add", "legal", "2027-H1", "3,10", "--source", "x"])
    assert again.exit_code != 0 and "already recorded for 2027-H1" in again.output
    listed = runner.invoke(args=["rates", "list"]).output
    assert "2027 H1  legal    3.100 %  Arrêté du 20 décembre 2026" in listed
    assert "late-payment default 12.150 %" in listed
