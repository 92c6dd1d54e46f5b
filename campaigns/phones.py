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
        # French national numbers, the bulk of every file: judged by phonenumbers' own patterns for France,
        # without a full parse (tests/unit/test_phones.py checks both ways agree).
        kind = _french_kind(digits[1:])
        return ("+33" + digits[1:], kind) if kind else (None, None)
    return _parse(raw, region)


def _french_patterns() -> tuple:
    meta = phonenumbers.PhoneMetadata.metadata_for_region("FR")
    kinds = ((meta.mobile, "mobile"), (meta.fixed_line, "landline"), (meta.toll_free, "other"),
             (meta.premium_rate, "other"), (meta.shared_cost, "other"), (meta.voip, "other"),
             (meta.personal_number, "other"), (meta.pager, "other"), (meta.uan, "other"), (meta.voicemail, "other"))
    return (re.compile(meta.general_desc.national_number_pattern),
            [(re.compile(d.national_number_pattern), kind) for d, kind in kinds if d and d.national_number_pattern])


_FR_GENERAL, _FR_KINDS = _french_patterns()


def _french_kind(national: str) -> str | None:
    """mobile / landline / other for a valid 9-digit French national number, None for an invalid one."""
    return _french_prefix_kind(national[:5])


@lru_cache(maxsize=100_000)
def _french_prefix_kind(prefix: str) -> str | None:
    """France's patterns decide on a number's first five digits at most (8360x for premium rates), then any
    digits: the prefix followed by zeros says it for every number sharing it."""
    national = prefix + "0000"
    if not _FR_GENERAL.fullmatch(national):
        return None
    return next((kind for pattern, kind in _FR_KINDS if pattern.fullmatch(national)), None)


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


# Where a file's numbers may come from when they are not French (national formats, no + prefix).
REGIONS = ("FR", "US", "GB", "BE", "CH", "DE", "ES", "IT", "LU", "NL", "CA")


def region_of(values: list[str]) -> str:
    """The region a file's phone numbers are written for: France unless most of them are not French numbers
    and another region reads more of them (a US export's "(212) 555-0147")."""
    values = [v for v in dict.fromkeys(values) if v][:500]
    if not values:
        return "FR"
    french = sum(1 for v in values if normalise(v, "FR")[0])
    if french >= len(values) / 2:
        return "FR"
    best, best_count = "FR", french
    for region in REGIONS[1:]:
        count = sum(1 for v in values if normalise(v, region)[0])
        if count > best_count:
            best, best_count = region, count
    return best


def written_as_phone(raw: str) -> bool:
    """Whether a value is written the way people write phone numbers (``+33 1 45 …``, ``(212) 555-0147``,
    ``01.45.67.89.01``), not as a bare run of digits that could as well be a customer number."""
    return bool(_WRITTEN.match(raw))
