"""A client company's settings: who the creditor is, where to write to it, how it is paid, its terms of sale.

``update`` validates every field (collecting all errors at once) and writes all or nothing; each change is
audited with the fields it touched. Letters, e-mails and due-date estimates read these settings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, identifiers, payment_terms, taxonomy
from .errors import N_, DomainError, NotFound, ValidationError
from .models import ClientCompany, LegalRate

MAX_LOGO_BYTES = 500_000
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
FLOOR_TIMES_LEGAL_RATE = Decimal(3)


@dataclass
class SettingsInput:
    """What the settings form sends, as text (blank means "not set")."""
    legal_name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    siren: str = ""
    siret: str = ""
    iban: str = ""
    bic: str = ""
    payment_terms_kind: str = payment_terms.NET
    payment_terms_days: str = ""
    late_interest_rate: str = ""
    reply_to_email: str = ""
    customer_accounts: str = ""
    logo: bytes | None = None         # a new logo; None keeps the current one
    remove_logo: bool = False
    motives: list[taxonomy.MotiveEdit] | None = None   # the taxonomy as the page shows it (None: unchanged)
    new_motive_parent: str = ""
    new_motive_fr: str = ""
    new_motive_en: str = ""


def get_company(session: Session, company_id: int) -> ClientCompany:
    company = session.get(ClientCompany, company_id)
    if company is None:
        raise NotFound(N_("This client company does not exist."))
    return company


def legal_rate_on(session: Session, day: date) -> LegalRate | None:
    """The legal interest rate (professionals' rate) in force on ``day``: the latest half-year started by then."""
    return session.scalar(sa.select(LegalRate).where(LegalRate.kind == LegalRate.LEGAL_INTEREST,
                                                     LegalRate.starts_on <= day)
                          .order_by(LegalRate.starts_on.desc()).limit(1))


def _text(value: str, limit: int, lines: bool = False) -> str | None:
    """Clean text (no NUL, spaces collapsed; one line, or several for an address), None when blank."""
    value = (value or "").replace("\x00", "")
    if lines:
        value = "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
    else:
        value = " ".join(value.split())
    return value[:limit] or None


def update(session: Session, company: ClientCompany, form: SettingsInput, user_id: int | None,
           today: date) -> ClientCompany:
    """Validate every field, then write them all (or raise ``ValidationError`` with each field's error)."""
    errors: dict[str, DomainError] = {}
    values: dict = {}

    def check(name, fn):
        try:
            values[name] = fn()
        except ValidationError as exc:
            errors.update(exc.errors)

    values["legal_name"] = _text(form.legal_name, 200)
    values["address"] = _text(form.address, 300, lines=True)
    values["postal_code"] = _text(form.postal_code, 10)
    values["city"] = _text(form.city, 100)
    if values["postal_code"] and not re.fullmatch(r"[0-9A-Za-z -]{3,10}", values["postal_code"]):
        errors["postal_code"] = DomainError(N_("This postal code does not look right."), field="postal_code")
    check("siren", lambda: identifiers.clean_siren(form.siren))
    check("siret", lambda: identifiers.clean_siret(form.siret))
    if values.get("siren") and values.get("siret") and not values["siret"].startswith(values["siren"]):
        errors["siret"] = DomainError(N_("The SIRET must start with the company's SIREN."), field="siret")
    check("iban", lambda: identifiers.clean_iban(form.iban))
    check("bic", lambda: identifiers.clean_bic(form.bic))
    try:
        values["payment_terms_kind"], values["payment_terms_days"] = payment_terms.clean_terms(
            form.payment_terms_kind, form.payment_terms_days)
    except ValidationError as exc:
        errors.update(exc.errors)
    rate = _rate(session, form.late_interest_rate, today, errors)
    values["late_interest_rate"] = rate
    email = (form.reply_to_email or "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["reply_to_email"] = DomainError(N_("This e-mail address does not look valid."), field="reply_to_email")
    values["reply_to_email"] = email or None
    prefixes = [p.strip() for p in re.split(r"[,;\s]+", form.customer_accounts or "") if p.strip()]
    if any(not re.fullmatch(r"[0-9A-Za-z]{1,12}", p) for p in prefixes) or len(prefixes) > 8:
        errors["customer_accounts"] = DomainError(
            N_("Give the customer account prefixes as digits or letters separated by commas, for example 411, 416."),
            field="customer_accounts")
    values["customer_accounts"] = ", ".join(prefixes) or None
    if form.logo:
        mime = next((m for magic, m in LOGO_TYPES.items() if form.logo.startswith(magic)), None)
        if len(form.logo) > MAX_LOGO_BYTES:
            errors["logo"] = DomainError(N_("The logo is larger than {limit} kB."), field="logo",
                                         limit=MAX_LOGO_BYTES // 1000)
        elif mime is None:
            errors["logo"] = DomainError(N_("The logo must be a PNG or JPEG image."), field="logo")
        else:
            values["logo"], values["logo_mime"] = form.logo, mime
    elif form.remove_logo:
        values["logo"], values["logo_mime"] = None, None
    motives_changed: list[str] = []
    if form.motives is not None or form.new_motive_fr.strip():
        motive_errors, motives_changed = taxonomy.adapt(session, company.id, form.motives or [],
                                                        form.new_motive_parent, form.new_motive_fr, form.new_motive_en)
        errors.update(motive_errors)
    if errors:
        raise ValidationError(errors)
    changed = sorted(k for k, v in values.items() if getattr(company, k) != v)
    for key, value in values.items():
        setattr(company, key, value)
    if changed or motives_changed:
        audit.record(session, user_id, "client.settings", company, campaign_id=None, fields=changed,
                     motives=motives_changed or None)
    session.flush()
    return company


def _rate(session: Session, text: str, today: date, errors: dict) -> Decimal | None:
    """The terms-of-sale rate in percent, refused below three times the legal interest rate in force."""
    raw = (text or "").strip().replace(",", ".").rstrip("%").strip()
    if not raw:
        return None
    try:
        rate = Decimal(raw)
    except InvalidOperation:
        errors["late_interest_rate"] = DomainError(N_("The rate is a number of percent a year, such as 12,5."),
                                                   field="late_interest_rate")
        return None
    if not rate.is_finite() or not Decimal(0) < rate < Decimal(100):
        errors["late_interest_rate"] = DomainError(N_("The rate is a number of percent a year, such as 12,5."),
                                                   field="late_interest_rate")
        return None
    legal = legal_rate_on(session, today)
    if legal is None or legal.starts_on < _half_year_start(today):
        errors["late_interest_rate"] = DomainError(
            N_("The legal interest rate of this half-year is not recorded yet, so the floor cannot be checked: "
               "an administrator adds it first (flask rates add)."), field="late_interest_rate")
        return None
    floor = legal.rate * FLOOR_TIMES_LEGAL_RATE
    if rate < floor:
        errors["late_interest_rate"] = DomainError(
            N_("The law sets a floor of three times the legal interest rate ({legal} %), that is {floor} %."),
            field="late_interest_rate", legal=_percent(legal.rate), floor=_percent(floor))
        return None
    return rate.quantize(Decimal("0.001"))


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def customer_prefixes(company: ClientCompany | None) -> tuple[str, ...]:
    """The prefixes of the company's customer accounts in its ledger (411 unless it says otherwise)."""
    from .importing.ledger import CUSTOMER_PREFIXES
    given = tuple(p.strip() for p in ((company.customer_accounts if company else None) or "").split(",") if p.strip())
    return given or CUSTOMER_PREFIXES
