"""The file quality block: what the client's file held and what the calls found since, in words.

One list of lines, each with its French and English label (like the motive taxonomy), read by the dashboard
(in the user's language) and by the recap's Synthèse (in French). Shares are fractions, shown as percentages.
"""
from __future__ import annotations

from dataclasses import dataclass

from .figures import CampaignFigures


@dataclass(frozen=True)
class QualityLine:
    key: str
    label_fr: str
    label_en: str
    value: int | float
    kind: str            # "int", "percent" or "money" (cents)

    def label(self, language: str = "fr") -> str:
        return self.label_en if language == "en" else self.label_fr


def quality_lines(f: CampaignFigures) -> list[QualityLine]:
    """The file's counts and shares, then what the calls proved; empty before a file is loaded."""
    q = f.quality or {}
    if not q:
        return []
    details = q.get("details") or {}
    lines = [
        QualityLine("rows_read", "Lignes lues", "Rows read", q.get("rows_read", 0), "int"),
        QualityLine("accepted", "Lignes acceptées", "Rows accepted", q.get("accepted", 0), "int"),
        QualityLine("rejected", "Lignes rejetées", "Rows rejected", q.get("rejected", 0), "int"),
        QualityLine("skipped", "Lignes de totaux ou vides", "Total or blank rows", q.get("skipped", 0), "int"),
    ]
    if details:
        lines += [
            QualityLine("without_phone", "Débiteurs sans téléphone valide", "Debtors without a valid phone",
                        details.get("share_without_phone", 0.0), "percent"),
            QualityLine("without_email", "Débiteurs sans e-mail", "Debtors without an e-mail",
                        details.get("share_without_email", 0.0), "percent"),
            QualityLine("duplicates", "Lignes en double", "Duplicate rows", details.get("duplicates", 0), "int"),
        ]
    reconciliation = details.get("reconciliation") or {}
    if reconciliation.get("file_total_cents") is not None:
        lines += [
            QualityLine("file_total", "Total indiqué par le fichier", "Total stated by the file",
                        reconciliation["file_total_cents"], "money"),
            QualityLine("difference", "Écart avec les lignes du fichier", "Difference with the file's rows",
                        reconciliation["difference_cents"], "money"),
        ]
    lines += [
        QualityLine("proved_wrong", "Numéros révélés faux par les appels", "Numbers the calls proved wrong",
                    f.numbers_proved_wrong, "int"),
        QualityLine("numbers_to_find", "Débiteurs sans numéro utilisable (numéros à trouver)",
                    "Debtors with no usable number (numbers to find)", f.numbers_to_find, "int"),
        QualityLine("unreachable", "Débiteurs injoignables", "Debtors unreachable", f.debtors_unreachable, "int"),
    ]
    return lines
