"""Checks of the identifiers a creditor gives: SIREN and SIRET (Luhn key), IBAN (ISO 13616, mod 97) and BIC.

Each ``clean_*`` returns the identifier in its canonical form (no spaces, upper case) or raises
``ValidationError`` for its field with a message that says what is wrong.
"""
from __future__ import annotations

import re

from .errors import N_, DomainError, ValidationError

LA_POSTE_SIREN = "356000000"   # La Poste's establishments: the SIRET digits add up to a multiple of 5 instead

# Lengths of IBANs by country (ISO 13616 registry), for the countries a French creditor's bank is in.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
    "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27,
}
_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def _refuse(field: str, message: str, **params):
    raise ValidationError({field: DomainError(message, field=field, **params)})


def luhn_ok(digits: str) -> bool:
    """The Luhn key: doubling every second digit from the right, the sum is a multiple of 10."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _digits(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def clean_siren(value: str, field: str = "siren") -> str | None:
    """Nine digits with a valid Luhn key; None when empty."""
    digits = _digits(value)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 9:
        _refuse(field, N_("A SIREN has 9 digits."))
    if not luhn_ok(digits):
        _refuse(field, N_("This SIREN's check digit is wrong: check the number."))
    return digits


def clean_siret(value: str, field: str = "siret") -> str | None:
    """Fourteen digits (the SIREN then the establishment's number) with a valid key; None when empty."""
    digits = _digits(value)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 14:
        _refuse(field, N_("A SIRET has 14 digits."))
    ok = (sum(int(c) for c in digits) % 5 == 0) if digits.startswith(LA_POSTE_SIREN) else luhn_ok(digits)
    if not ok or not (digits.startswith(LA_POSTE_SIREN) or luhn_ok(digits[:9])):
        _refuse(field, N_("This SIRET's check digit is wrong: check the number."))
    return digits


def clean_iban(value: str, field: str = "iban") -> str | None:
    """The IBAN without spaces, upper case, its length right for its country and its mod-97 key valid."""
    iban = re.sub(r"\s", "", value or "").upper()
    if not iban:
        return None
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        _refuse(field, N_("An IBAN starts with two letters (the country) and two digits, then the account."))
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        _refuse(field, N_("An IBAN of this country has {expected} characters, not {length}."),
                expected=expected, length=len(iban))
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    if int(number) % 97 != 1:
        _refuse(field, N_("This IBAN's check digits are wrong: check the number."))
    return iban


def clean_bic(value: str, field: str = "bic") -> str | None:
    """8 or 11 characters: bank, country, place (and branch)."""
    bic = re.sub(r"\s", "", value or "").upper()
    if not bic:
        return None
    if not _BIC.match(bic):
        _refuse(field, N_("A BIC has 8 or 11 letters and digits (bank, country, place, branch)."))
    return bic


def format_iban(iban: str | None) -> str:
    """Grouped by four, as banks print it."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if iban else ""
