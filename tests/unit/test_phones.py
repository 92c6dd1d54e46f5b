"""French numbers take a fast path through phonenumbers' own patterns: it must agree with a full parse."""
from __future__ import annotations

import random

from campaigns import phones


def test_the_fast_path_agrees_with_a_full_parse_on_every_three_digit_prefix_and_random_numbers():
    rng = random.Random(7)
    numbers = [f"0{p:03d}{rng.randrange(10 ** 6):06d}" for p in range(100, 1000)]
    numbers += [f"0{rng.randrange(10 ** 8, 10 ** 9)}" for _ in range(3_000)]
    numbers += ["0836040000", "0836000000", "0639000000", "0699123456", "0800123456", "0912345678"]
    for digits in numbers:
        national = digits[1:]
        fast = ("+33" + national, phones._french_kind(national)) if phones._french_kind(national) else (None, None)
        assert fast == phones._parse(digits, "FR"), digits


def test_numbers_as_files_write_them():
    assert phones.normalise("01 42 68 53 00") == ("+33142685300", "landline")
    assert phones.normalise("06.12.34.56.78") == ("+33612345678", "mobile")
    assert phones.normalise("+33 6 12 34 56 78") == ("+33612345678", "mobile")
    assert phones.normalise("0033 1 42 68 53 00") == ("+33142685300", "landline")
    assert phones.normalise("0000103352") == (None, None)                # a customer number, not a phone
    assert phones.normalise("08 36 04 00 00") == (None, None)            # 0836 04: no such premium range
