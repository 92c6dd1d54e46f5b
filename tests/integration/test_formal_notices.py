"""The formal notice a manager downloads for an approved debtor: what the letter says (read back from the PDF),
in the creditor's name or the provider's, its evidence annex, and the refusals."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from campaigns import clock, escalation, notices
from campaigns.errors import Conflict, PermissionDenied, ValidationError
from campaigns.models import (AuditEntry, CallAttempt, CampaignStatus, ContactResult, DebtorAccount, FormalNotice,
                              Invoice, InvoiceMotive, Motive, PaymentMethod, Promise, PromiseStatus, QueueState, Role)
from campaigns.notices import settings as notice_settings
from campaigns.notices import tracking
from campaigns.supervision import purge_personal_data

PROVIDER = notices.Provider("Relances Conseil SAS", ("8 avenue Foch", "75016 Paris"), "812345678", city="Paris")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """The text with its line breaks and (no-break) spaces collapsed, to look for a phrase."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def mission(session, make):
    company = make.client_company(name="Durand", legal_name="Fournitures Durand SAS", address="12 rue des Lilas",
                                  postal_code="69003", city="Lyon", siren="552100554",
                                  iban="FR7630006000011234567890189", bic="AGRIFRPP",
                                  late_interest_rate=Decimal("12"))
    campaign = make.campaign(client_company=company)
    manager = make.user(Role.MANAGER, name="Claire Martin")
    client = make.user(Role.CLIENT, client_company=company, name="Paul Durand")
    agent = make.user(Role.AGENT, name="Sonia Benali")
    return campaign, manager, client, agent


def refused_debtor(session, make, campaign, agent, **kw):
    debtor = make.debtor(campaign, invoices=[(100_000, 73), (25_000, 10)], company_name="Garage Lopez",
                         address="3 chemin des Vignes\n13100 Aix-en-Provence", siren="433221100", **kw)
    debtor.queue_state = QueueState.REFUSED
    session.add(CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent.id,
                            result=ContactResult.REFUSAL, phone_dialled="+33142685300",
                            notes="Refuse de payer, conteste le délai",
                            started_at=clock.now() - timedelta(days=2)))
    session.flush()
    return debtor


def approve(session, campaign, debtor, client):
    escalation.decide(session, campaign, debtor.id, client, approve=True)


def test_the_letter_in_the_creditors_name_claims_each_invoice_with_its_penalties(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    text = flat(text_of(notice.pdf))
    today, deadline = clock.today(campaign), clock.today(campaign) + timedelta(days=8)
    assert "MISE EN DEMEURE" in text and "article 1344 du code civil" in text
    assert "Fournitures Durand SAS" in text and "12 rue des Lilas" in text and "69003 Lyon" in text
    assert "Garage Lopez" in text and "13100 Aix-en-Provence" in text
    [first, second] = session.scalars(sa.select(Invoice).where(Invoice.debtor_id == debtor.id)
                                      .order_by(Invoice.due_date)).all()
    assert first.number in text and second.number in text and f"{first.due_date:%d/%m/%Y}" in text
    # 1 000 € at 12 % for 73 days = 24,00 €; 250 € for 10 days = 0,82 €; 40 € on each invoice
    assert notice.principal_cents == 125_000 and notice.indemnity_cents == 8_000
    assert notice.interest_cents == 2_400 + 82
    assert "Total réclamé 1 354,82 €" in text
    assert "12 % l'an prévu par les conditions générales de vente" in text
    assert f"au plus tard le {deadline.day}" in text and notice.deadline_on == deadline and notice.issued_on == today
    assert "IBAN FR7630006000011234567890189" in text and notice.reference in text
    assert notice.reference == f"MED-{campaign.id}-{debtor.id}"
    assert "injonction de payer" in text
    assert "R124-4" not in text                      # the creditor writes: no collector's mentions


def test_the_annex_lists_every_call_promise_and_motive_up_to_the_issue(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    first = session.scalar(sa.select(Invoice).where(Invoice.debtor_id == debtor.id).order_by(Invoice.due_date))
    promise = Promise(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent.id, amount_cents=50_000,
                      promised_date=clock.today() - timedelta(days=20), method=PaymentMethod.CHEQUE,
                      status=PromiseStatus.BROKEN, created_at=clock.now() - timedelta(days=25))
    motive = session.scalar(sa.select(Motive).where(Motive.client_company_id.is_(None), Motive.blocks_queue.is_(False))
                            .order_by(Motive.sort_order))
    session.add_all([promise, InvoiceMotive(campaign_id=campaign.id, debtor_id=debtor.id, invoice_id=first.id,
                                            agent_id=agent.id, motive_id=motive.id, label_fr=motive.label_fr,
                                            details="Trésorerie tendue jusqu'en janvier")])
    session.flush()
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    # A call after the issue is not in the letter that was sent
    session.add(CallAttempt(campaign_id=campaign.id, debtor_id=debtor.id, agent_id=agent.id,
                            result=ContactResult.NO_ANSWER, phone_dialled="+33600000001",
                            started_at=clock.now() + timedelta(hours=1), created_at=clock.now() + timedelta(hours=1)))
    session.flush()
    pages = PdfReader(io.BytesIO(notice.pdf)).pages
    annex = flat("\n".join(p.extract_text() for p in pages[1:]))
    assert "Relevé des démarches amiables" in annex
    called = session.scalar(sa.select(CallAttempt.started_at).where(CallAttempt.debtor_id == debtor.id)
                            .order_by(CallAttempt.started_at))
    local = called.astimezone(clock.zone(campaign))
    assert f"{local:%d/%m/%Y %H:%M}" in annex and "+33142685300" in annex and "refus" in annex
    assert "Sonia Benali" in annex and "Refuse de payer, conteste le délai" in annex
    assert "500,00 € par chèque" in annex and "non tenue" in annex
    assert motive.label_fr in annex and "Trésorerie tendue jusqu'en janvier" in annex
    assert "+33600000001" not in annex
    assert "Aucun courriel envoyé" in annex
    # Downloaded again, it is the same document
    assert notices.issue(session, campaign, debtor.id, manager).pdf_sha256 == notice.pdf_sha256


def test_on_the_creditors_behalf_the_letter_carries_the_collectors_mentions(session, make, mission):
    campaign, manager, client, agent = mission
    campaign.notice_settings = notice_settings.clean(sender="provider", deadline_days="15",
                                                     estimated_due_dates_confirmed=False)
    debtor = refused_debtor(session, make, campaign, agent)
    approve(session, campaign, debtor, client)
    with pytest.raises(Conflict, match="provider's name and address"):
        notices.issue(session, campaign, debtor.id, manager)
    notice = notices.issue(session, campaign, debtor.id, manager, provider=PROVIDER)
    text = flat(text_of(notice.pdf))
    assert "R124-4" in text and "Relances Conseil SAS" in text and "8 avenue Foch" in text
    assert "exerce une activité de recouvrement amiable de créances pour le compte d'autrui" in text
    assert "Créancier : Fournitures Durand SAS, 12 rue des Lilas, 69003 Lyon" in text
    assert "1 250,00 € en principal, 24,82 € d'intérêts et 80,00 € d'autres sommes" in text
    assert "restent à la charge du créancier" in text and "débiteur de mauvaise foi" in text
    assert notice.deadline_on == clock.today(campaign) + timedelta(days=15) and notice.sender == "provider"


def test_penalties_on_an_estimated_due_date_are_claimed_only_once_confirmed(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    first = session.scalar(sa.select(Invoice).where(Invoice.debtor_id == debtor.id).order_by(Invoice.due_date))
    first.due_date_estimated = True
    other = refused_debtor(session, make, campaign, agent, customer_code="C-OTHER")
    session.execute(sa.update(Invoice).where(Invoice.debtor_id == other.id).values(due_date_estimated=True))
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    assert notice.principal_cents == 125_000 and notice.indemnity_cents == 4_000 and notice.interest_cents == 82
    assert "échéance estimée : pénalités non réclamées" in flat(text_of(notice.pdf))
    campaign.notice_settings = {"estimated_due_dates_confirmed": True}
    approve(session, campaign, other, client)
    confirmed = notices.issue(session, campaign, other.id, manager)
    assert confirmed.indemnity_cents == 8_000 and confirmed.interest_cents == 2_482


def test_a_debtor_the_client_did_not_approve_is_refused_with_a_clear_message(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    with pytest.raises(Conflict, match="has not approved"):
        notices.issue(session, campaign, debtor.id, manager)
    escalation.decide(session, campaign, debtor.id, client, approve=False)
    with pytest.raises(Conflict, match="has not approved"):
        notices.issue(session, campaign, debtor.id, manager)
    with pytest.raises(PermissionDenied):
        notices.issue(session, campaign, debtor.id, agent)
    assert session.scalar(sa.select(sa.func.count()).select_from(FormalNotice)) == 0


def test_a_debtor_who_paid_since_the_approval_gets_no_letter(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    approve(session, campaign, debtor, client)
    session.execute(sa.update(Invoice).where(Invoice.debtor_id == debtor.id).values(outstanding_cents=0))
    debtor.total_outstanding_cents, debtor.queue_state = 0, QueueState.PAID
    session.flush()
    with pytest.raises(Conflict, match="no longer proposed"):
        notices.issue(session, campaign, debtor.id, manager)


def test_once_written_the_decision_cannot_change_and_the_debtor_stays_listed(session, make, mission):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    with pytest.raises(Conflict, match="already written"):
        escalation.decide(session, campaign, debtor.id, client, approve=False)
    session.execute(sa.update(Invoice).where(Invoice.debtor_id == debtor.id).values(outstanding_cents=0))
    debtor.total_outstanding_cents, debtor.queue_state = 0, QueueState.PAID
    session.flush()
    assert [c.debtor_id for c in escalation.candidates(session, campaign)] == [debtor.id]
    [entry] = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "notice.issued")).all()
    assert entry.details["reference"] == notice.reference and entry.details["sha256"] == notice.pdf_sha256


def test_one_zip_holds_the_letter_of_every_approved_debtor(session, make, mission, tmp_path):
    campaign, manager, client, agent = mission
    debtors = [refused_debtor(session, make, campaign, agent, customer_code=f"Z{i}") for i in range(3)]
    for debtor in debtors[:2]:
        approve(session, campaign, debtor, client)
    target = tmp_path / "notices.zip"
    seen = []
    result = notices.write_zip(session, campaign, manager, target, progress=lambda done, total: seen.append(done))
    assert result["written"] == 2 and result["refused"] == [] and seen == [1, 2]
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"mise-en-demeure-MED-{campaign.id}-{d.id}.pdf" for d in debtors[:2])
        assert "MISE EN DEMEURE" in text_of(archive.read(names[0]))


def issued(session, make, mission, **kw):
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent, **kw)
    approve(session, campaign, debtor, client)
    return debtor, notices.issue(session, campaign, debtor.id, manager)


def test_a_notice_sent_by_registered_letter_takes_the_debtor_out_of_the_queue(session, make, mission):
    campaign, manager, client, agent = mission
    debtor, notice = issued(session, make, mission)
    today = clock.today(campaign)
    with pytest.raises(ValidationError) as refused:
        tracking.record(session, campaign, notice, tracking.Tracking(None, None, today, None, None), manager.id)
    assert "channel" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        tracking.record(session, campaign, notice, tracking.Tracking(
            "lrar", "1A23", today, today - timedelta(days=1), today), manager.id)
    assert set(refused.value.errors) == {"received_on", "refused_on"}     # before sending; and both
    tracking.record(session, campaign, notice, tracking.Tracking("lrar", "1A 234 567 8901 2", today, None, None),
                    manager.id)
    assert debtor.queue_state == QueueState.NOTICE_SENT and notice.on_hold
    tracking.put_back_in_queue(session, campaign, notice, manager.id)
    assert debtor.queue_state == QueueState.READY
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_type == "formal_notices")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["notice.issued", "notice.tracked", "notice.back_in_queue"]


def test_the_postal_services_tracking_file_is_loaded_whole_or_not_at_all(session, make, mission):
    campaign, manager, client, agent = mission
    (first, one), (second, two) = issued(session, make, mission), issued(session, make, mission, customer_code="B2")
    today = clock.today(campaign)
    good = (f"Référence;Mode d'envoi;N° de suivi;Date d'envoi;Date de réception\n"
            f"{one.reference};Lettre recommandée;1A00001;{today:%d/%m/%Y};\n"
            f"{two.id};LRE;E-77;{today:%Y-%m-%d};{today:%d/%m/%Y}\n").encode("cp1252")
    bad = (f"Référence;Mode d'envoi;Date d'envoi\n"
           f"{one.reference};pigeon;{today:%d/%m/%Y}\n"
           f"MED-999-1;LRAR;{today:%d/%m/%Y}\n"
           f"{two.reference};LRAR;32/13/2026\n").encode()
    with pytest.raises(ValidationError) as refused:
        tracking.load_csv(session, campaign, bad, manager.id, file_name="suivi.csv")
    messages = [str(e) for e in refused.value.errors.values()]
    assert messages == [
        "Row 2, column “Mode d'envoi”: “pigeon” is not a way of sending we know (registered letter, electronic "
        "registered letter, e-mail).",
        "Row 3, column “Référence”: no formal notice of this campaign has the reference “MED-999-1”.",
        "Row 4, column “Date d'envoi”: “32/13/2026” is not a date (write 31/12/2026)."]
    assert one.sent_on is None and first.queue_state == QueueState.REFUSED
    result = tracking.load_csv(session, campaign, good, manager.id, file_name="suivi.csv")
    assert (result.updated, result.unchanged) == (2, 0)
    assert (one.channel, one.tracking_reference, one.sent_on) == ("lrar", "1A00001", today)
    assert (two.channel, two.received_on) == ("ere", today) and second.queue_state == QueueState.NOTICE_SENT
    assert tracking.load_csv(session, campaign, good, manager.id).unchanged == 2


def test_the_purge_keeps_a_debtor_held_by_a_sent_notice_until_the_hold_is_released(session, make, mission,
                                                                                     tmp_path):
    from campaigns.recap import write_recap
    campaign, manager, client, agent = mission
    held, notice = issued(session, make, mission)
    other, unsent = issued(session, make, mission, customer_code="B2")
    tracking.record(session, campaign, notice, tracking.Tracking("lrar", None, clock.today(campaign), None, None),
                    manager.id)
    campaign.status = CampaignStatus.CLOSED
    write_recap(session, campaign.id, str(tmp_path / "final.xlsx"), final=True, user_id=manager.id)
    counts = purge_personal_data(session, manager, campaign)
    assert counts["held"] == 1 and counts["notices"] == 1
    held, other = session.get(DebtorAccount, held.id), session.get(DebtorAccount, other.id)
    assert held.company_name == "Garage Lopez" and held.address and other.company_name == f"Débiteur {other.id}"
    assert other.address is None and session.get(FormalNotice, unsent.id).pdf == b""
    notice = session.get(FormalNotice, notice.id)
    assert "Garage Lopez" in text_of(notice.pdf)
    tracking.release_hold(session, campaign, notice, manager.id)
    held = session.get(DebtorAccount, held.id)
    assert held.company_name == f"Débiteur {held.id}" and held.address is None
    assert session.get(FormalNotice, notice.id).pdf == b"" and not session.get(FormalNotice, notice.id).on_hold


MM = 72 / 25.4          # PDF points per millimetre


def test_the_letter_prints_on_a4_with_the_debtor_in_the_envelope_window(session, make, mission):
    import pypdfium2

    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent)
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    page = PdfReader(io.BytesIO(notice.pdf)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width / MM), round(height / MM)) == (210, 297)
    where = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and text.strip() not in where:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]                     # the text matrix in page space
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            where[text.strip()] = (x / MM, (height - y) / MM)             # from the left and the top, in mm
    page.extract_text(visitor_text=visit)
    x, y = next(pos for text, pos in where.items() if text.startswith("Garage Lopez"))
    assert 100 <= x <= 120 and 45 <= y <= 95            # a DL window: 110 mm from the left, 50 to 95 from the top
    x, y = next(pos for text, pos in where.items() if text.startswith("Fournitures Durand SAS"))
    assert x < 40 and y < 30
    # Rendered, the page has ink in the window and nothing in the bottom margin but the page number
    image = pypdfium2.PdfDocument(notice.pdf)[0].render(scale=72 / 72).to_pil().convert("L")
    px = image.width / 210

    def ink(left, top, right, bottom):
        box = image.crop((int(left * px), int(top * px), int(right * px), int(bottom * px)))
        return sum(box.histogram()[:128])            # dark pixels
    assert ink(110, 50, 200, 80) > 200
    assert ink(0, 285, 150, 297) == 0


def test_the_recap_lists_each_notice_with_its_sums_and_its_sending(session, make, mission, tmp_path):
    import openpyxl
    from campaigns.recap import write_recap

    campaign, manager, client, agent = mission
    debtor, notice = issued(session, make, mission)
    tracking.record(session, campaign, notice, tracking.Tracking("lrar", "1A0042", clock.today(campaign), None,
                                                                 None), manager.id)
    out = tmp_path / "recap.xlsx"
    totals = write_recap(session, campaign.id, str(out))
    assert totals["Mises en demeure"] == 1
    sheet = openpyxl.load_workbook(out)["Mises en demeure"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["Société"] == "Garage Lopez" and row["Référence"] == notice.reference
    assert (row["Principal"], row["Indemnités"], row["Intérêts"], row["Total réclamé"]) == (1250, 80, 24.82, 1354.82)
    assert row["Mode d'envoi"] == "lettre recommandée AR" and row["N° de suivi"] == "1A0042"
    assert row["Envoyée le"].date() == clock.today(campaign) and row["État du débiteur"] == "mise en demeure envoyée"
    assert row["Données conservées"] == "oui" and row["Empreinte du PDF (SHA-256)"] == notice.pdf_sha256


def test_at_the_legal_rate_the_letter_gives_each_half_years_rate():
    from datetime import date

    from campaigns import penalties
    from campaigns.notices.letter import interest_basis

    schedule = penalties.RateSchedule(ecb=((date(2026, 1, 1), Decimal("2.15"), "BCE"),
                                           (date(2026, 7, 1), Decimal("2.00"), "BCE")))
    periods = schedule.periods(date(2026, 5, 2), date(2026, 12, 7))
    text = interest_basis(schedule, periods, date(2026, 12, 7))
    assert "majoré de 10 points" in text and "jusqu'au 07/12/2026" in text
    assert "12,15 % au premier semestre 2026; 12 % au second semestre 2026" in text


def test_two_managers_writing_the_same_letter_at_once_get_one_letter(pg_url):
    """On PostgreSQL: the debtor's row lock makes the second wait, then it finds the first one's letter."""
    import threading

    from campaigns.db import make_engine, make_session_factory
    from tests.factories import Factory

    engine = make_engine(pg_url, pool_size=6)
    factory = make_session_factory(engine)
    with factory() as s:
        make = Factory(s)
        company = make.client_company(name="Durand", legal_name="Fournitures Durand SAS",
                                      address="12 rue des Lilas", postal_code="69003", city="Lyon")
        campaign = make.campaign(client_company=company)
        managers = [make.user(Role.MANAGER) for _ in range(4)]
        client = make.user(Role.CLIENT, client_company=company)
        debtor = make.debtor(campaign, invoices=[(100_000, 73)])
        debtor.queue_state = QueueState.REFUSED
        s.flush()
        escalation.decide(s, campaign, debtor.id, client, approve=True)
        s.commit()
        campaign_id, debtor_id, manager_ids = campaign.id, debtor.id, [m.id for m in managers]
    start, digests, errors = threading.Barrier(len(manager_ids)), [], []

    def write(manager_id):
        try:
            with factory() as s:
                from campaigns.models import Campaign, User
                campaign, manager = s.get(Campaign, campaign_id), s.get(User, manager_id)
                start.wait()
                notice = notices.issue(s, campaign, debtor_id, manager)
                s.commit()
                digests.append(notice.pdf_sha256)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(m,)) for m in manager_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(digests) == 4 and len(set(digests)) == 1
    with factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(FormalNotice)) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "notice.issued")) == 1
    engine.dispose()


def test_a_tracking_file_with_a_huge_cell_or_a_nul_is_refused_in_words(session, make, mission):
    campaign, manager, client, agent = mission
    debtor, notice = issued(session, make, mission)
    huge = f"Référence;Date d'envoi\n{'x' * 200_000};01/01/2026\n".encode()
    with pytest.raises(ValidationError, match="cannot be read at line"):
        tracking.load_csv(session, campaign, huge, manager.id, file_name="suivi.csv")
    nul = f"Référence;Mode d'envoi;Date d'envoi\n{notice.reference}\0;LRAR;{clock.today(campaign):%d/%m/%Y}\n"
    assert tracking.load_csv(session, campaign, nul.encode(), manager.id, file_name="suivi.csv").updated == 1
    assert notice.sent_on == clock.today(campaign)


def test_the_annex_and_the_recap_list_the_emails_written_to_the_debtor(session, make, mission, tmp_path):
    import openpyxl

    from campaigns import mail
    from campaigns.models import MessageStatus
    from campaigns.recap import write_recap
    campaign, manager, client, agent = mission
    debtor = refused_debtor(session, make, campaign, agent, emails="compta@garage-lopez.fr")
    sent = mail.queue(session, kind="promise_confirmation", campaign_id=campaign.id, debtor_id=debtor.id,
                      recipients=["compta@garage-lopez.fr"], subject="Confirmation de votre engagement · RF18 C1P9",
                      body="…")
    sent.status, sent.sent_at = MessageStatus.SENT, clock.now() - timedelta(days=1)
    waiting = mail.queue(session, kind="reminder", campaign_id=campaign.id, debtor_id=debtor.id,
                         recipients=["compta@garage-lopez.fr"], subject="Rappel du lendemain", body="…")
    session.flush()
    approve(session, campaign, debtor, client)
    notice = notices.issue(session, campaign, debtor.id, manager)
    annex = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(notice.pdf)).pages[1:]))
    assert "Courriels au débiteur" in annex and "confirmation d'engagement" in annex
    assert "Confirmation de votre engagement · RF18 C1P9 envoyé" in annex
    assert "compta@garage-lopez.fr" in annex.replace("- ", "-")            # the column wraps the address
    assert "Rappel du lendemain" not in annex                     # never sent: not evidence of anything

    path = tmp_path / "recap.xlsx"
    write_recap(session, campaign.id, str(path))
    rows = list(openpyxl.load_workbook(path)["E-mails"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Date et heure", "Code client", "Débiteur", "E-mail")
    assert [(r[2], r[3], r[5], r[6]) for r in rows[1:]] == [
        ("Garage Lopez", "confirmation d'engagement", "Confirmation de votre engagement · RF18 C1P9", "envoyé"),
        ("Garage Lopez", "rappel la veille de l'échéance", "Rappel du lendemain", "en attente d'envoi")]
    assert waiting.status is MessageStatus.QUEUED
