"""Structured creditor references (ISO 11649, "RF" + two check digits + up to 21 letters and digits).

Each promise gets one, printed on its confirmation: banks check its digits when the debtor types it, and
the creditor's accountant matches the payment by it.
"""
from __future__ import annotations

import re

_BODY = re.compile(r"^[0-9A-Z]{1,21}$")


def _numeric(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def creditor_reference(body: str) -> str:
    """``RF`` + check digits + ``body`` (letters and digits, at most 21)."""
    body = body.upper()
    if not _BODY.match(body):
        raise ValueError(f"a creditor reference body is 1 to 21 letters or digits, not {body!r}")
    check = 98 - _numeric(body + "RF00") % 97
    return f"RF{check:02d}{body}"


def normalise(text: str) -> str:
    """As typed or printed (spaces in groups of four, lower case): the reference alone."""
    return re.sub(r"\s+", "", text or "").upper()


def is_valid(text: str) -> bool:
    """A well-formed reference whose check digits hold."""
    reference = normalise(text)
    if not re.match(r"^RF[0-9]{2}[0-9A-Z]{1,21}$", reference):
        return False
    return _numeric(reference[4:] + reference[:4]) % 97 == 1


def for_promise(campaign_id: int, promise_id: int) -> str:
    """The reference of one promise: readable back to its campaign and promise (``RFxxC12P3456``)."""
    return creditor_reference(f"C{campaign_id}P{promise_id}")


def grouped(reference: str) -> str:
    """Printed in groups of four, as banks print it."""
    return " ".join(reference[i:i + 4] for i in range(0, len(reference), 4))


_START = re.compile(r"^RF[0-9]{2}[0-9A-Z]*$")
_GROUP = re.compile(r"^[0-9A-Z]{1,4}$")


def find(text: str) -> str | None:
    """The creditor reference a free text carries ("VIR SEPA RF18 C12P 3456 DUPONT"), as one word.

    Printed references come in groups of four: the words after an ``RF..`` word are joined while they look
    like groups and the whole stays within 25 characters. The longest reading whose check digits hold is
    returned; when none holds, the reference as first written (so that it is listed, never guessed)."""
    words = re.split(r"[\s/;,:()]+", (text or "").upper())
    for i, word in enumerate(words):
        if not _START.match(word) or len(word) > 25:
            continue
        readings = [word]
        for following in words[i + 1:]:
            if not _GROUP.match(following) or len(readings[-1]) + len(following) > 25:
                break
            readings.append(readings[-1] + following)
        valid = [r for r in readings if len(r) >= 5 and is_valid(r)]
        if valid:
            return valid[-1]
        if len(word) >= 5:
            return word
    return None
