"""A text ledger's open items kept beside its upload, so that the mapping page, the check and the enriched
file do not derive a million-line FEC again at each read (seconds each time).

The derived grid is written once as JSON next to the stored file (``<upload>.ledger.json``), with what it
was derived under: the reader's version and the client's customer accounts. A different setting, a file
from an older reader or an unreadable cache is simply derived again. The personal-data purge deletes it
with the upload (``cache_path``).
"""
from __future__ import annotations

import dataclasses
import json
import os
from datetime import date
from pathlib import Path

from . import reading
from .ledger import LedgerReport
from .reading import Grid

VERSION = 1


def cache_path(stored_path: str) -> Path:
    return Path(f"{stored_path}.ledger.json")


def load(stored_path: str, customer_accounts: tuple[str, ...]) -> Grid | None:
    """The grid derived earlier under the same customer accounts, or None."""
    path = cache_path(stored_path)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("version") != VERSION or tuple(kept.get("customer_accounts", ())) != tuple(customer_accounts):
            return None
        report = _report(kept["report"])
        return Grid(rows=kept["rows"], kind=kept["kind"], encoding=kept["encoding"], separator=kept["separator"],
                    ledger=report)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(stored_path: str, customer_accounts: tuple[str, ...], grid: Grid) -> None:
    """Keep a text ledger's derived grid (written whole, then moved in place: a reader never sees half)."""
    if grid.ledger is None or grid.kind != "csv" or grid.truncated or grid.other_sheets:
        return
    path = cache_path(stored_path)
    part = path.with_name(path.name + ".part")
    body = {"version": VERSION, "customer_accounts": list(customer_accounts), "kind": grid.kind,
            "encoding": grid.encoding, "separator": grid.separator, "rows": grid.rows,
            "report": _plain(grid.ledger)}
    try:
        part.write_text(json.dumps(body, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(part, path)
    except (OSError, TypeError, ValueError):
        part.unlink(missing_ok=True)       # no cache: the next read derives it again


def _plain(report: LedgerReport) -> dict:
    out = dataclasses.asdict(report)
    out["ledger_date"] = report.ledger_date.isoformat() if report.ledger_date else None
    out["matched_invoices"] = [[who, piece, day.isoformat()] for (who, piece), day in report.matched_invoices.items()]
    return out


def _report(kept: dict) -> LedgerReport:
    report = LedgerReport(**{k: v for k, v in kept.items() if k not in ("ledger_date", "matched_invoices")})
    report.ledger_date = date.fromisoformat(kept["ledger_date"]) if kept.get("ledger_date") else None
    report.partial_matches = [tuple(x) for x in report.partial_matches]
    report.credit_customers = [tuple(x) for x in report.credit_customers]
    report.allocations = [tuple(x) for x in report.allocations]
    report.matched_invoices = {(who, piece): date.fromisoformat(day) for who, piece, day in kept["matched_invoices"]}
    return report


def read_stored(stored_path: str | None, data: bytes, file_name: str, sheet: str | None, nrows: int | None,
                customer_accounts: tuple[str, ...]) -> Grid:
    """``reading.read_file`` of an upload, a text ledger's open items taken from the cache when kept."""
    if stored_path and sheet is None:
        cached = load(stored_path, customer_accounts)
        if cached is not None:
            return cached
    grid = reading.read_file(data, file_name, sheet=sheet, nrows=nrows, customer_accounts=customer_accounts)
    if stored_path and grid.ledger is not None:
        save(stored_path, customer_accounts, grid)
    return grid
