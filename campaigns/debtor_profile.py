"""What a client's file says of a debtor beyond its invoices: language, company size, SIRET, postal address.

Each reader takes a cell as the file wrote it and returns the stored value, or None when it cannot tell (the
import then warns, naming the row and the value). One definition, used by the import, the card and the
priority score.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import identifiers
from .errors import N_, ValidationError

DEFAULT_LANGUAGE = "fr"

# Company size, as the French law defines categories (LME 2008, décret 2008-1354), by headcount:
# TPE (micro) under 10, PME under 250, ETI under 5,000, then large companies ("grand compte").
SIZES = ("tpe", "pme", "eti", "ge")
SIZE_LABELS = {"tpe": N_("Micro-business (TPE)"), "pme": N_("Small or medium business (PME)"),
               "eti": N_("Mid-cap (ETI)"), "ge": N_("Large company")}
_SIZE_WORDS = {
    "tpe": "tpe", "micro": "tpe", "micro entreprise": "tpe", "microentreprise": "tpe", "tres petite entreprise": "tpe",
    "auto entrepreneur": "tpe", "independant": "tpe", "artisan": "tpe", "very small": "tpe", "micro business": "tpe",
    "pme": "pme", "sme": "pme", "small": "pme", "medium": "pme", "petite entreprise": "pme",
    "moyenne entreprise": "pme", "pmi": "pme", "small business": "pme", "mid market": "eti",
    "eti": "eti", "entreprise de taille intermediaire": "eti", "mid cap": "eti", "midcap": "eti",
    "ge": "ge", "grand compte": "ge", "grands comptes": "ge", "grande entreprise": "ge", "large": "ge",
    "enterprise": "ge", "large company": "ge", "key account": "ge", "corporate": "ge", "grand groupe": "ge",
}
# INSEE's headcount bands (tranche d'effectif salarié of the SIRENE register): code -> lowest headcount.
INSEE_BANDS = {"NN": 0, "00": 0, "01": 1, "02": 3, "03": 6, "11": 10, "12": 20, "21": 50, "22": 100, "31": 200,
               "32": 250, "41": 500, "42": 1000, "51": 2000, "52": 5000, "53": 10000}
_NUMBER = re.compile(r"\d[\d\s\u00a0\u202f.]*")


def _words(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9+]+", " ", value).strip()


def size_of_headcount(headcount: int) -> str:
    if headcount < 10:
        return "tpe"
    if headcount < 250:
        return "pme"
    if headcount < 5000:
        return "eti"
    return "ge"


def company_size(cell: str, insee_bands: bool = False) -> str | None:
    """"tpe", "pme", "eti" or "ge" from a category word (TPE, PME, SME, grand compte...), a headcount
    ("12", "50 à 249 salariés", "250+") or, when the column holds INSEE bands, a band code ("12"); None."""
    raw = (cell or "").strip()
    if not raw:
        return None
    if insee_bands and raw.upper() in INSEE_BANDS:
        return size_of_headcount(INSEE_BANDS[raw.upper()])
    words = _words(raw)
    if words in _SIZE_WORDS:
        return _SIZE_WORDS[words]
    for word in words.split():
        if word in _SIZE_WORDS and word not in ("small", "medium", "large"):
            return _SIZE_WORDS[word]
    number = _NUMBER.search(raw)
    if number:
        digits = re.sub(r"\D", "", number.group(0).split(".")[0] if re.fullmatch(r"\d+\.0+", number.group(0).strip())
                        else number.group(0))
        if digits and len(digits) <= 7:
            return size_of_headcount(int(digits))
    return None


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Language names in French and English ("allemand", "German") -> ISO 639-1 code."""
    from babel import Locale
    names: dict[str, str] = {}
    for locale in ("en", "fr"):
        for code, name in Locale(locale).languages.items():
            if len(code) == 2:
                names.setdefault(_words(name), code)
    names.update({"francais": "fr", "anglais": "en", "deutsch": "de", "espanol": "es", "castellano": "es",
                  "italiano": "it", "nederlands": "nl", "portugues": "pt", "polski": "pl"})
    return names


def language(cell: str) -> str | None:
    """An ISO 639-1 code ("fr", "en", "de") from a code ("FR", "fr_FR", "en-GB", "fra") or a name ("Français",
    "English", "allemand"); None when it names no language."""
    raw = (cell or "").strip()
    if not raw:
        return None
    from babel import Locale, UnknownLocaleError
    code = re.split(r"[-_ ]", raw, maxsplit=1)[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", code):
        try:
            found = Locale.parse(code).language
        except (UnknownLocaleError, ValueError, TypeError):
            found = None
        if found and len(found) == 2:
            return found
    return _language_names().get(_words(raw))


def siret(cell: str) -> str | None:
    """The 14 digits of a SIRET with a valid key (spaces and dots allowed), else None."""
    raw = (cell or "").strip()
    if re.fullmatch(r"\d{14}\.0", raw):   # a number cell read as a float
        raw = raw[:-2]
    try:
        return identifiers.clean_siret(raw.replace("\u00a0", " ").replace("\u202f", " "))
    except ValidationError:
        return None


def address(parts: list[str]) -> str | None:
    """The postal address from its columns (street lines, postal code, city...), one line per column, each
    line once; None when all are empty."""
    lines: list[str] = []
    cleaned = [" ".join((part or "").split()) for part in parts]
    for i, line in enumerate(cleaned):
        if i and re.fullmatch(r"\d{4,5}", cleaned[i - 1]) and lines and lines[-1] == cleaned[i - 1] and line:
            lines[-1] = f"{lines[-1]} {line}"    # postal code and city on one line: "75011 Paris"
        elif line and line not in lines:
            lines.append(line)
    return "\n".join(lines)[:500] or None
