"""A creditor's payment terms, and the due date they give an invoice (see ../shared/LEGAL-FR.md, L441-10 I).

- ``net``: N days after the invoice date (at most 60);
- ``eom_then_days``: the end of the invoice's month, then N days ("fin de mois puis + N jours", at most 45);
- ``days_then_eom``: N days after the invoice date, then the end of that month ("+ N jours puis fin de
  mois", at most 45).
With no terms agreed, the law's term is 30 days after delivery: approximated as 30 days after the invoice
date, and always said to be an estimate.
"""
from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import N_, DomainError, ValidationError

NET, EOM_THEN_DAYS, DAYS_THEN_EOM = "net", "eom_then_days", "days_then_eom"
KINDS = (NET, EOM_THEN_DAYS, DAYS_THEN_EOM)
MAX_NET_DAYS, MAX_EOM_DAYS = 60, 45
LEGAL_DEFAULT_DAYS = 30


@dataclass(frozen=True)
class PaymentTerms:
    kind: str = NET
    days: int = LEGAL_DEFAULT_DAYS
    agreed: bool = False        # False: nothing set, the law's default applies

    def due_date(self, invoice_date: date) -> date:
        """The due date these terms give an invoice dated ``invoice_date``."""
        if self.kind == EOM_THEN_DAYS:
            return _end_of_month(invoice_date) + timedelta(days=self.days)
        if self.kind == DAYS_THEN_EOM:
            return _end_of_month(invoice_date + timedelta(days=self.days))
        return invoice_date + timedelta(days=self.days)


def _end_of_month(day: date) -> date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def terms_of(company) -> PaymentTerms:
    """The client company's terms, or the law's default when it set none."""
    days = getattr(company, "payment_terms_days", None)
    if days is None:
        return PaymentTerms()
    return PaymentTerms(company.payment_terms_kind or NET, days, agreed=True)


def clean_terms(kind: str | None, days) -> tuple[str | None, int | None]:
    """Validated (kind, days), or (None, None) when no terms are given; refused beyond the law's maxima."""
    if days in (None, ""):
        return None, None
    if kind not in KINDS:
        raise ValidationError({"payment_terms_kind": DomainError(
            N_("Choose how the payment term is counted."), field="payment_terms_kind")})
    try:
        days = int(str(days).strip())
    except ValueError:
        raise ValidationError({"payment_terms_days": DomainError(
            N_("The payment term is a number of days."), field="payment_terms_days")}) from None
    limit = MAX_NET_DAYS if kind == NET else MAX_EOM_DAYS
    if not 0 <= days <= limit:
        message = (N_("The law allows at most 60 days from the invoice date.") if kind == NET
                   else N_("The law allows at most 45 days end of month."))
        raise ValidationError({"payment_terms_days": DomainError(message, field="payment_terms_days")})
    return kind, days
