"""After the soak: latency figures from the clients' log, and the correctness checks against the database.

Correctness, each a list of failures (empty when it holds):
- no 5xx and no connection error seen by any simulated person;
- every outcome acknowledged to an agent is in ``call_attempts`` exactly once, for that debtor and agent,
  and nothing was recorded that no agent sent;
- no debtor held by two agents at once: neither in what the answers said (the interval from the answer
  that handed a debtor out to the request that gave it back), nor in the call attempts' own times;
- the money reconciles: invoices placed add up to the initial file's total to the cent, what is still
  outstanding to the update file's total, the payments recorded to the difference, and each debtor's total
  to its invoices.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from campaigns.db import make_engine, make_session_factory
from campaigns.models import CallAttempt, DebtorAccount, Invoice, User
from campaigns.supervision.figures import campaign_figures


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def latency_table(requests: list, started: float, ended: float) -> dict:
    """Per kind of request: count, rate, p50/p95/p99/max in ms; plus statuses."""
    by_kind = defaultdict(list)
    for kind, _t, seconds, _status in requests:
        by_kind[kind].append(seconds * 1000)
    span = max(ended - started, 1e-9)
    in_run = [r for r in requests if started <= r[1] <= ended]
    return {
        "requests": len(requests),
        "requests_per_second": len(in_run) / span,
        "kinds": {kind: {"count": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
                         "p99": percentile(ms, 99), "max": max(ms)} for kind, ms in sorted(by_kind.items())},
        "statuses": {str(k): v for k, v in sorted(Counter(str(r[3]) for r in requests).items())},
        "statuses_by_kind": {kind: dict(Counter(str(r[3]) for r in requests if r[0] == kind)) for kind in by_kind},
    }


_ACCESS = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)$')


def server_times(access_log: Path) -> dict:
    """Per kind of request, the time gunicorn measured inside the server (no client scheduling in it)."""
    by_kind = defaultdict(list)
    for line in access_log.read_text(errors="replace").splitlines():
        match = _ACCESS.search(line)
        if match is None:
            continue
        path = match.group(2)
        kind = ("record" if path.endswith("/outcome") else "claim or skip" if path.endswith("/next")
                else "dashboard" if "/supervision/" in path else "login" if path.startswith("/login")
                else "settings" if path.startswith("/rules/") else "page")
        by_kind[kind].append(int(match.group(4)) / 1000)
    return {kind: {"count": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95),
                   "p99": percentile(ms, 99), "max": max(ms)} for kind, ms in sorted(by_kind.items())}


def server_errors(requests: list) -> list[str]:
    bad = Counter((kind, str(status)) for kind, _t, _s, status in requests
                  if not isinstance(status, int) or status >= 500)
    return [f"{count} × {kind} answered {status}" for (kind, status), count in sorted(bad.items())]


def overlapping(intervals: list[tuple]) -> list[tuple]:
    """(who, start, end) per debtor: pairs held by two different people at the same time."""
    found = []
    ordered = sorted(intervals, key=lambda i: i[1])
    for i, (who, start, end) in enumerate(ordered):
        for other, o_start, o_end in ordered[i + 1:]:
            if o_start >= end:
                break
            if other != who:
                found.append(((who, start, end), (other, o_start, o_end)))
    return found


def check_database(url: str, campaign_id: int, log, initial_total: int, update_total: int | None) -> dict:
    """Every correctness check that needs the database; returns {check: [failures]} and figures."""
    engine = make_engine(url)
    session = make_session_factory(engine)()
    failures: dict[str, list[str]] = {}
    try:
        emails = dict(session.execute(sa.select(User.id, User.email)).all())
        attempts = session.execute(sa.select(
            CallAttempt.request_key, CallAttempt.debtor_id, CallAttempt.agent_id, CallAttempt.started_at,
            CallAttempt.ended_at).where(CallAttempt.campaign_id == campaign_id)).all()
        by_key = defaultdict(list)
        for row in attempts:
            by_key[row.request_key].append(row)

        sent = {key for key, *_ in log.acked} | {key for key, *_ in log.unconfirmed}
        lost, doubled, wrong = [], [], []
        for key, debtor, email, result in log.acked:
            rows = by_key.get(key, [])
            if not rows:
                lost.append(f"{result} for debtor {debtor} by {email} (key {key}) acknowledged, not in the database")
            elif len(rows) > 1:
                doubled.append(f"key {key} recorded {len(rows)} times")
            elif rows[0].debtor_id != debtor or emails.get(rows[0].agent_id) != email:
                wrong.append(f"key {key}: sent for debtor {debtor} by {email}, recorded for debtor "
                             f"{rows[0].debtor_id} by {emails.get(rows[0].agent_id)}")
        acked_keys = Counter(key for key, *_ in log.acked)
        doubled += [f"key {k} acknowledged {n} times" for k, n in acked_keys.items() if n > 1]
        unknown = [f"attempt on debtor {r.debtor_id} with key {r.request_key} that no agent sent"
                   for r in attempts if r.request_key not in sent]
        unconfirmed_found = sum(1 for key, *_ in log.unconfirmed if by_key.get(key))
        failures["outcomes lost"] = lost
        failures["outcomes doubled or unknown"] = doubled + unknown
        failures["outcomes recorded for another debtor or agent"] = wrong

        holds = defaultdict(list)
        for email, debtor, start, end in log.holds:
            holds[debtor].append((email, start, end))
        failures["debtor held by two agents (answers)"] = [
            f"debtor {d}: {a[0]} {_t(a[1])}-{_t(a[2])} and {b[0]} {_t(b[1])}-{_t(b[2])}"
            for d, intervals in holds.items() for a, b in overlapping(intervals)]
        calls = defaultdict(list)
        for r in attempts:
            calls[r.debtor_id].append((r.agent_id, r.started_at.timestamp(), r.ended_at.timestamp()))
        failures["debtor called by two agents at once (call attempts)"] = [
            f"debtor {d}: {emails.get(a[0])} and {emails.get(b[0])}"
            for d, intervals in calls.items() for a, b in overlapping(intervals)]

        f = campaign_figures(session, campaign_id)
        money = []
        if f.amount_placed_cents != initial_total:
            money.append(f"placed {f.amount_placed_cents} cents, the file says {initial_total}")
        if update_total is not None:
            if f.outstanding_now_cents != update_total:
                money.append(f"outstanding {f.outstanding_now_cents} cents, the update file says {update_total}")
            if f.paid_since_start_cents != f.amount_placed_cents - f.outstanding_now_cents:
                money.append(f"paid since the start {f.paid_since_start_cents} cents, placed - outstanding is "
                             f"{f.amount_placed_cents - f.outstanding_now_cents}")
        debtors_total = session.scalar(sa.select(sa.func.sum(DebtorAccount.total_outstanding_cents))
                                       .where(DebtorAccount.campaign_id == campaign_id))
        invoices_total = session.scalar(sa.select(sa.func.sum(Invoice.outstanding_cents))
                                        .where(Invoice.campaign_id == campaign_id))
        if debtors_total != invoices_total:
            money.append(f"debtors' totals {debtors_total} cents, their invoices {invoices_total}")
        failures["totals reconcile"] = money
        figures = {"call_attempts": len(attempts), "acknowledged": len(log.acked),
                   "unconfirmed_sent": len(log.unconfirmed), "unconfirmed_found_once": unconfirmed_found,
                   "holds": len(log.holds), "debtors_placed": f.debtors_placed, "debtors_worked": f.debtors_worked,
                   "amount_placed_cents": f.amount_placed_cents, "outstanding_now_cents": f.outstanding_now_cents,
                   "paid_since_start_cents": f.paid_since_start_cents, "promises": f.promises}
    finally:
        session.close()
        engine.dispose()
    return {"failures": failures, "figures": figures}


def _t(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
