"""The formal notice as a PDF: a Jinja template laid out by WeasyPrint (A4, the annex on its own pages)."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ..money import format_eur
from .letter import Letter

_env = Environment(loader=PackageLoader("campaigns.notices", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_env.filters["money"] = format_eur
_env.filters["day"] = lambda d: d.strftime("%d/%m/%Y") if d else ""
_env.filters["moment"] = lambda t: t.strftime("%d/%m/%Y %H:%M") if t else ""

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_env.filters["long_day"] = lambda d: f"{d.day}{'er' if d.day == 1 else ''} {MONTHS[d.month - 1]} {d.year}"


def html(letter: Letter) -> str:
    return _env.get_template("letter.html").render(letter=letter)


def render(letter: Letter) -> bytes:
    """The PDF bytes of ``letter``."""
    import weasyprint          # heavy (pango): loaded when a letter is written, not with the domain

    return weasyprint.HTML(string=html(letter)).write_pdf()
