"""Phone numbers as agents and files write them, normalised with phonenumbers (French by default)."""
from __future__ import annotations

import phonenumbers


def normalise(raw: str, region: str = "FR") -> tuple[str | None, str | None]:
    """``(e164, kind)`` for a valid number, kind one of mobile / landline / other; ``(None, None)`` otherwise."""
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
