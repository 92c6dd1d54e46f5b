"""Phone numbers as agents and files write them, normalised with phonenumbers (French by default).

The one door for every phone number: the importer, the mapping's column profiles, the console's wrong-number
form and the demo all call ``normalise``. It is cached on the raw string, because the same number comes back on
every invoice of a debtor and in every sample the mapping page reads.
"""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_SEPARATORS = re.compile(r"[\s.\-/()\u00a0]")
# Written like a phone number rather than a bare identifier: a leading +, or digits grouped by separators.
_WRITTEN = re.compile(r"^\s*(\+|00)?\d{1,4}([\s.\-/\u00a0]|\(\d+\)\s?)\d")


@lru_cache(maxsize=200_000)
def normalise(raw: str, region: str = "FR") -> tuple[str | None, str | None]:
    """``(e164, kind)`` for a valid number, kind one of mobile / landline / other; ``(None, None)`` otherwise."""
    digits = _SEPARATORS.sub("", raw)
    if region == "FR" and len(digits) == 10 and digits.isdigit() and digits[0] == "0" and digits[1] != "0":
        # French national numbers: validity and type depend only on the first digits in phonenumbers'
        # metadata, so one full parse per 5-digit prefix decides for every number sharing it.
        kind = _french_prefix(digits[:5])
        return ("+33" + digits[1:], kind) if kind else (None, None)
    return _parse(raw, region)


@lru_cache(maxsize=10_000)
def _french_prefix(prefix: str) -> str | None:
    return _parse(prefix + "00000", "FR")[1]


def _parse(raw: str, region: str) -> tuple[str | None, str | None]:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(number):
        return None, None
    kind = phonenumbers.number_type(number)
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "mobile" if kind == phonenumbers.PhoneNumberType.MOBILE
            else "landline" if kind == phonenumbers.PhoneNumberType.FIXED_LINE else "other")


def written_as_phone(raw: str) -> bool:
    """Whether a value is written the way people write phone numbers (``+33 1 45 …``, ``(212) 555-0147``,
    ``01.45.67.89.01``), not as a bare run of digits that could as well be a customer number."""
    return bool(_WRITTEN.match(raw))
