"""The wording of each e-mail to debtors, with merge fields (``{client}``, ``{montant}``, …).

Relance's own wording is in ``wording/<kind>.<language>.txt`` (first line the subject, then a blank line,
then the body). A client company may write its own for any kind and language (``ClientCompany.
mail_templates``); what it leaves empty is written in Relance's words. The manager previews a wording with
sample values before saving it; a field name that does not exist is refused, never sent as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

from sqlalchemy.orm import Session

from .. import audit, clock, merge_fields
from ..errors import N_, DomainError, ValidationError
from ..models import ClientCompany
from ..money import format_money
from ..payment_references import for_promise, grouped

KINDS = ("promise_confirmation", "reminder", "thanks")
LANGUAGES = ("fr", "en")
MAX_SUBJECT = 200
MAX_BODY = 8000

METHOD = {
    "fr": {"virement": "virement", "cheque": "chèque", "carte": "carte bancaire", "prelevement": "prélèvement",
           "lcr": "LCR", "especes": "espèces"},
    "en": {"virement": "bank transfer", "cheque": "cheque", "carte": "card", "prelevement": "direct debit",
           "lcr": "bill of exchange (LCR)", "especes": "cash"},
}

MSG_UNKNOWN = N_("Unknown merge fields: {names}.")
MSG_SUBJECT_MISSING = N_("A wording needs a subject as well as a body.")
MSG_BODY_MISSING = N_("A wording needs a body as well as a subject.")
MSG_SUBJECT_LONG = N_("The subject is one line of at most {limit} characters.")
MSG_BODY_LONG = N_("The body is at most {limit} characters.")


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    own: bool = False        # the client company's, not Relance's


def default(kind: str, language: str) -> Wording:
    text = resources.files(__package__).joinpath("wording", f"{kind}.{language}.txt").read_text("utf-8")
    subject, _, body = text.partition("\n\n")
    return Wording(subject.strip(), body)


def of(company: ClientCompany | None, kind: str, language: str) -> Wording:
    """The wording a message of this kind is written with for this company and language."""
    own = ((company.mail_templates if company is not None else None) or {}).get(kind, {}).get(language)
    if own and own.get("subject") and own.get("body"):
        return Wording(own["subject"], own["body"], own=True)
    return default(kind, language)


def render(wording: Wording, values: dict[str, str]) -> tuple[str, str]:
    """Subject and body with the merge fields filled; the blank lines an empty field leaves are closed."""
    subject = " ".join(merge_fields.fill(wording.subject, values, merge_fields.MAIL_NAMES).split())
    body = merge_fields.fill(wording.body, values, merge_fields.MAIL_NAMES)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return subject, body


def day_in(day: date, language: str) -> str:
    return f"{day:%d/%m/%Y}" if language == "fr" else f"{day.day} {day:%B %Y}"


def language_of(debtor) -> str:
    """French unless the debtor speaks English."""
    return "en" if (debtor.language or "fr").lower().startswith("en") else "fr"


def promise_values(company: ClientCompany, debtor, language: str, *, reference: str, method: str,
                   total_cents: int, schedule: list[tuple[date, int]], invoices: list[tuple[str, int]],
                   currency: str = "EUR", amount_cents: int | None = None, day: date | None = None) -> dict[str, str]:
    """The merge values of a message about one promise, in the debtor's language.

    ``schedule``: (date, cents) of each payment promised; ``invoices``: (number, cents) the promise covers;
    ``amount_cents`` and ``day``: what ``{montant}`` and ``{date}`` say when not the whole promise."""
    def money(cents):
        return format_money(cents, currency, language)
    how = METHOD[language].get(method, method)
    if len(schedule) > 1:
        lines = "\n".join(f"  - {money(c)} {'au plus tard le' if language == 'fr' else 'by'} {day_in(d, language)}"
                          for d, c in schedule)
        commitment = (f"{money(total_cents)} en {len(schedule)} échéances, par {how} :\n{lines}" if language == "fr"
                      else f"{money(total_cents)} in {len(schedule)} instalments, by {how}:\n{lines}")
    else:
        first = day_in(schedule[0][0], language) if schedule else ""
        commitment = (f"{money(total_cents)} au plus tard le {first}, par {how}." if language == "fr"
                      else f"{money(total_cents)} by {first}, by {how}.")
    word = "facture" if language == "fr" else "invoice"
    colon = " :" if language == "fr" else ":"
    bank = ""
    if company.iban:
        bank = (f"Virement sur le compte IBAN {grouped(company.iban)}" if language == "fr"
                else f"Bank transfer to IBAN {grouped(company.iban)}") + (f", BIC {company.bic}" if company.bic else "") + "."
    contacts = [c.strip() for c in (debtor.contact_names or "").split(",") if c.strip()]
    return {
        "client": company.legal_name or company.name,
        "societe": debtor.company_name or debtor.customer_code or "",
        "contact": contacts[0] if contacts else "",
        "montant": money(total_cents if amount_cents is None else amount_cents),
        "date": day_in(day or (schedule[0][0] if schedule else clock.today()), language),
        "mode": how,
        "reference": grouped(reference),
        "engagement": commitment,
        "factures": "\n".join(f"  - {word} {number}{colon} {money(cents)}" for number, cents in invoices),
        "coordonnees_bancaires": bank,
    }


class _Sample:
    company_name, customer_code, contact_names = "Garage Martin SARL", "C0042", "Mme Claire Martin"


def sample_values(company: ClientCompany, kind: str, language: str) -> dict[str, str]:
    """Values for the preview: a made-up debtor and a plan of three payments (one for a single promise)."""
    today = clock.today()
    schedule = [(date(today.year + (today.month + n > 12), (today.month + n - 1) % 12 + 1, 15), 40_000)
                for n in (1, 2, 3)]
    plan = kind == "promise_confirmation"
    return promise_values(company, _Sample, language, reference=for_promise(1, 1234), method="virement",
                          total_cents=120_000, schedule=schedule if plan else schedule[:1],
                          invoices=[("FA-2026-0187", 70_000), ("FA-2026-0203", 50_000)],
                          amount_cents=None if plan else 40_000 if kind == "reminder" else 120_000,
                          day=schedule[0][0])


def problems(subject: str, body: str) -> list[tuple[str, str, dict]]:
    """What keeps a wording from being saved: (which part, message id, its parameters)."""
    found = []
    if subject and not body:
        found.append(("body", MSG_BODY_MISSING, {}))
    if body and not subject:
        found.append(("subject", MSG_SUBJECT_MISSING, {}))
    if len(subject) > MAX_SUBJECT or "\n" in subject:
        found.append(("subject", MSG_SUBJECT_LONG, {"limit": MAX_SUBJECT}))
    if len(body) > MAX_BODY:
        found.append(("body", MSG_BODY_LONG, {"limit": MAX_BODY}))
    for part, text in (("subject", subject), ("body", body)):
        wrong = merge_fields.unknown(text, merge_fields.MAIL_NAMES)
        if wrong:
            found.append((part, MSG_UNKNOWN, {"names": ", ".join("{" + n + "}" for n in wrong)}))
    return found


def save(session: Session, company: ClientCompany, edits: dict[tuple[str, str], tuple[str, str]],
         user_id: int | None) -> None:
    """Save the company's wordings, all or none; an empty subject and body bring back Relance's wording.

    Raises ``ValidationError`` with one error per field (``<kind>-<language>-subject`` / ``-body``)."""
    errors = {}
    for (kind, language), (subject, body) in edits.items():
        for part, message, params in problems(subject, body):
            name = f"{kind}-{language}-{part}"
            errors.setdefault(name, DomainError(message, field=name, **params))
    if errors:
        raise ValidationError(errors)
    saved = {kind: dict(languages) for kind, languages in (company.mail_templates or {}).items()}
    changed = []
    for (kind, language), (subject, body) in edits.items():
        before = saved.get(kind, {}).get(language)
        after = {"subject": subject, "body": body} if subject and body else None
        default_ = default(kind, language)
        if after and (after["subject"], after["body"].strip()) == (default_.subject, default_.body.strip()):
            after = None                      # Relance's own wording, saved unchanged: keep following it
        if before != after:
            changed.append(f"{kind}.{language}")
            if after:
                saved.setdefault(kind, {})[language] = after
            else:
                saved.get(kind, {}).pop(language, None)
    if changed:
        company.mail_templates = {k: v for k, v in saved.items() if v} or None
        audit.record(session, user_id, "client.mail_wording_changed", company, wordings=changed)
        session.flush()
