"""Jinja filters: money, dates and times the French way (times shown in Europe/Paris)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from campaigns.money import format_eur

PARIS = ZoneInfo("Europe/Paris")


def money(cents, currency="EUR"):
    return format_eur(cents, currency)


def amounts(pairs) -> str:
    """Amounts in several currencies side by side, never summed: "12 480,00 € · 3 200,00 USD"."""
    return " · ".join(format_eur(cents, currency) for currency, cents in pairs)


def currency_name(code: str) -> str:
    """A currency by its name in the user's language, with its code: "dollar des États-Unis (USD)"."""
    from flask_babel import get_locale
    from campaigns.currencies import name
    return f"{name(code, str(get_locale() or 'fr'))} ({code})"


def language_name(code: str | None) -> str:
    """A language by its name in the user's language: "anglais", "English"; the code when unknown."""
    from babel import Locale, UnknownLocaleError
    from flask_babel import get_locale
    try:
        return Locale(str(get_locale() or "fr")).languages.get(code or "fr", code or "")
    except (UnknownLocaleError, ValueError):
        return code or ""


def company_size(code: str | None) -> str:
    """A company size category in the user's language."""
    from flask_babel import gettext
    from campaigns.debtor_profile import SIZE_LABELS
    return gettext(SIZE_LABELS[code]) if code in SIZE_LABELS else ""


def day(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return value.strftime("%d/%m/%Y")


def moment(value):
    if value is None:
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def hour(value):
    if value is None:
        return ""
    return value.astimezone(PARIS).strftime("%H:%M")


def decimal(value, places: int = 1) -> str:
    """A number in the user's language: 29,2 in French, 29.2 in English."""
    from flask_babel import format_decimal
    return format_decimal(round(value or 0, places), format="#,##0." + "0" * places)


def register(app):
    from campaigns.payment_references import grouped
    app.add_template_filter(grouped, "payment_reference")
    app.add_template_filter(decimal)
    app.add_template_filter(money)
    app.add_template_filter(amounts)
    app.add_template_filter(day)
    app.add_template_filter(language_name)
    app.add_template_filter(company_size)
    app.add_template_filter(moment)
    app.add_template_filter(hour)
    app.add_template_global(date.today, "today")
    from flask_babel import get_locale
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(currency_name, "currency_name")
