"""How each formal notice was sent and what became of it: the channel (registered letter, electronic registered
letter, e-mail), the tracking reference, the dates sent, received or refused; by hand or from the postal
service's CSV. A notice sent takes its debtor out of the call queue (the manager may put it back) and holds the
debtor's data past the retention purge until the manager releases the hold.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .. import audit, clock
from ..errors import N_, Conflict, DomainError, NotFound, ValidationError
from ..models import Campaign, DebtorAccount, FormalNotice, QueueState
from ..supervision import purge

MAX_REFERENCE = 100
MAX_ROWS = 20_000

# How people write each channel in a tracking file or a form.
_CHANNELS = {
    "lrar": FormalNotice.LRAR, "lettre recommandee": FormalNotice.LRAR, "recommande": FormalNotice.LRAR,
    "lettre recommandee avec accuse de reception": FormalNotice.LRAR, "lr": FormalNotice.LRAR,
    "lrar papier": FormalNotice.LRAR, "registered letter": FormalNotice.LRAR,
    "ere": FormalNotice.ERE, "lre": FormalNotice.ERE, "lettre recommandee electronique": FormalNotice.ERE,
    "recommande electronique": FormalNotice.ERE, "electronic registered letter": FormalNotice.ERE,
    "email": FormalNotice.EMAIL, "e-mail": FormalNotice.EMAIL, "courriel": FormalNotice.EMAIL,
    "mail": FormalNotice.EMAIL,
}
_COLUMNS = {
    "notice": ("notice_id", "notice", "reference", "reference mise en demeure", "mise en demeure", "ref",
               "référence"),
    "channel": ("channel", "canal", "mode d'envoi", "envoi", "type"),
    "tracking": ("tracking", "tracking_reference", "numero de suivi", "n° de suivi", "suivi", "numero"),
    "sent_on": ("sent_on", "date d'envoi", "envoyee le", "envoi le", "date envoi", "depot", "date de depot"),
    "received_on": ("received_on", "date de reception", "recue le", "distribuee le", "date de distribution",
                    "ar signe le"),
    "refused_on": ("refused_on", "date de refus", "refusee le", "non reclamee le", "retour le"),
}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").strip().lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).replace("_", " ").split())


def channel_of(text: str | None) -> str | None:
    """The channel a user or a file names, or None when blank; ``ValueError`` when not one we know."""
    plain = _plain(text or "")
    if not plain:
        return None
    found = _CHANNELS.get(plain) or _CHANNELS.get(plain.replace(" ", ""))
    if found is None:
        raise ValueError(text)
    return found


def day_of(text: str | None) -> date | None:
    """A date as written in a form or a file (31/12/2026, 31-12-2026, 2026-12-31), or None when blank."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(frozen=True)
class Tracking:
    channel: str | None
    reference: str | None
    sent_on: date | None
    received_on: date | None
    refused_on: date | None


def check(notice: FormalNotice, tracking: Tracking, today: date) -> dict[str, DomainError]:
    """What is wrong with these tracking values, by field (empty: nothing)."""
    errors: dict[str, DomainError] = {}
    if tracking.sent_on and not tracking.channel:
        errors["channel"] = DomainError(N_("Say how the formal notice was sent."), field="channel")
    if (tracking.received_on or tracking.refused_on) and not tracking.sent_on:
        errors["sent_on"] = DomainError(N_("Give the date it was sent first."), field="sent_on")
    if tracking.reference and len(tracking.reference) > MAX_REFERENCE:
        errors["reference"] = DomainError(N_("The tracking reference is too long (at most {n} characters)."),
                                          field="reference", n=MAX_REFERENCE)
    for name in ("sent_on", "received_on", "refused_on"):
        day = getattr(tracking, name)
        if day and day > today:
            errors.setdefault(name, DomainError(N_("This date is in the future."), field=name))
    if tracking.sent_on and tracking.sent_on < notice.issued_on:
        errors.setdefault("sent_on", DomainError(N_("It cannot be sent before it was written ({day})."),
                                                 field="sent_on", day=f"{notice.issued_on:%d/%m/%Y}"))
    for name in ("received_on", "refused_on"):
        day = getattr(tracking, name)
        if day and tracking.sent_on and day < tracking.sent_on:
            errors.setdefault(name, DomainError(N_("This date is before the date it was sent."), field=name))
    if tracking.received_on and tracking.refused_on:
        errors.setdefault("refused_on", DomainError(
            N_("A letter is either received or refused, not both."), field="refused_on"))
    return errors


def record(session: Session, campaign: Campaign, notice: FormalNotice, tracking: Tracking, user_id: int | None,
           now: datetime | None = None) -> FormalNotice:
    """Record how the notice was sent and what became of it (audited); the first time it is sent, its debtor
    leaves the call queue."""
    now = clock.now(now)
    errors = check(notice, tracking, clock.today(campaign, now))
    if errors:
        raise ValidationError(errors)
    before = _values(notice)
    first_sending = notice.sent_on is None and tracking.sent_on is not None
    notice.channel, notice.tracking_reference = tracking.channel, tracking.reference
    notice.sent_on, notice.received_on, notice.refused_on = tracking.sent_on, tracking.received_on, tracking.refused_on
    after = _values(notice)
    if before == after:
        return notice
    notice.tracked_at = now
    if first_sending:
        debtor = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.id == notice.debtor_id)
                                .with_for_update())
        if debtor.queue_state not in (QueueState.PAID, QueueState.DO_NOT_CALL):
            debtor.queue_state = QueueState.NOTICE_SENT
            debtor.leased_by_id = debtor.lease_expires_at = None
            debtor.version += 1
    audit.record(session, user_id, "notice.tracked", notice, campaign_id=campaign.id, debtor_id=notice.debtor_id,
                 before=before, after=after)
    return notice


def _values(notice: FormalNotice) -> dict:
    return {"channel": notice.channel, "reference": notice.tracking_reference,
            "sent_on": notice.sent_on.isoformat() if notice.sent_on else None,
            "received_on": notice.received_on.isoformat() if notice.received_on else None,
            "refused_on": notice.refused_on.isoformat() if notice.refused_on else None}


def put_back_in_queue(session: Session, campaign: Campaign, notice: FormalNotice, user_id: int) -> None:
    """Calls go on after the letter (the manager's choice); audited."""
    debtor = session.scalar(sa.select(DebtorAccount).where(DebtorAccount.id == notice.debtor_id).with_for_update())
    if debtor.queue_state != QueueState.NOTICE_SENT:
        raise Conflict(N_("This debtor is not out of the queue for its formal notice."))
    debtor.queue_state = QueueState.READY
    debtor.next_action_at = None
    debtor.version += 1
    audit.record(session, user_id, "notice.back_in_queue", notice, campaign_id=campaign.id, debtor_id=debtor.id)


def release_hold(session: Session, campaign: Campaign, notice: FormalNotice, user_id: int,
                 now: datetime | None = None) -> None:
    """The debtor's data no longer need keeping for a claim: the retention purge may erase them (at once when
    the campaign's data were already purged). Audited."""
    if not notice.on_hold:
        raise Conflict(N_("This formal notice puts no hold on the debtor's data."))
    notice.hold_released_at, notice.hold_released_by_id = clock.now(now), user_id
    erased = None
    if campaign.personal_data_purged_at is not None:
        erased = purge.erase_debtors(session, campaign.id, sa.select(sa.literal(notice.debtor_id)),
                                     notice.hold_released_at)
        session.expire_all()
    audit.record(session, user_id, "notice.hold_released", notice, campaign_id=campaign.id,
                 debtor_id=notice.debtor_id, erased=erased)


@dataclass
class LoadResult:
    updated: int
    unchanged: int


def load_csv(session: Session, campaign: Campaign, data: bytes, user_id: int | None, *, file_name: str = "",
             now: datetime | None = None) -> LoadResult:
    """The postal service's (or the manager's) tracking file: one row per notice, identified by its reference
    (MED-…) or its number. Every row is checked first; one bad row refuses the whole file (nothing written),
    with each problem's row and column."""
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationError({"file": DomainError(N_("The file {file} is empty."), field="file",
                                                   file=file_name or "")})
    columns = _columns(header, file_name)
    notices = {n.reference: n for n in session.scalars(sa.select(FormalNotice)
                                                       .where(FormalNotice.campaign_id == campaign.id))}
    by_id = {str(n.id): n for n in notices.values()}
    today = clock.today(campaign, now)
    problems: list[DomainError] = []
    planned: list[tuple[FormalNotice, Tracking]] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(_rows(reader, file_name), start=2):
        if len(planned) + len(problems) > MAX_ROWS:
            raise ValidationError({"file": DomainError(N_("The file has more than {n} rows."), field="file",
                                                       n=MAX_ROWS)})
        if not any(cell.strip() for cell in row):
            continue

        def cell(key):   # control characters (a NUL...) are no part of a reference, a date or a channel
            index = columns.get(key)
            text = row[index] if index is not None and index < len(row) else ""
            return "".join(c for c in text if c.isprintable()).strip()

        def problem(message, column_key, **params):
            problems.append(DomainError(message, field="file", row=number, column=header[columns[column_key]],
                                        **params))

        key = cell("notice")
        notice = notices.get(key.upper()) or by_id.get(key)
        if notice is None:
            problem(N_("Row {row}, column “{column}”: no formal notice of this campaign has the reference "
                       "“{value}”."), "notice", value=key[:60])
            continue
        if notice.id in seen:
            problem(N_("Row {row}, column “{column}”: this notice is already on row {first}."), "notice",
                    first=seen[notice.id])
            continue
        seen[notice.id] = number
        values, ok = {}, True
        for field_key in ("sent_on", "received_on", "refused_on"):
            try:
                values[field_key] = day_of(cell(field_key))
            except ValueError:
                problem(N_("Row {row}, column “{column}”: “{value}” is not a date (write 31/12/2026)."), field_key,
                        value=cell(field_key)[:30])
                ok = False
        try:
            channel = channel_of(cell("channel")) or notice.channel
        except ValueError:
            problem(N_("Row {row}, column “{column}”: “{value}” is not a way of sending we know (registered "
                       "letter, electronic registered letter, e-mail)."), "channel", value=cell("channel")[:40])
            continue
        if not ok:
            continue
        tracking = Tracking(channel, cell("tracking") or notice.tracking_reference,
                            values["sent_on"] or notice.sent_on, values["received_on"] or notice.received_on,
                            values["refused_on"] or notice.refused_on)
        for error in check(notice, tracking, today).values():
            column = error.field if error.field in columns else "notice"
            problems.append(DomainError(N_("Row {row}, column “{column}”: {problem}"), field="file", row=number,
                                        column=header[columns[column]], problem=error))
        planned.append((notice, tracking))
    if problems:
        raise ValidationError({f"row-{index}": p for index, p in enumerate(problems)})
    updated = unchanged = 0
    for notice, tracking in planned:
        before = _values(notice)
        record(session, campaign, notice, tracking, user_id, now)
        if _values(notice) == before:
            unchanged += 1
        else:
            updated += 1
    return LoadResult(updated, unchanged)


def _rows(reader, file_name: str):
    """The file's rows; a row the CSV reader cannot read (a cell over its size limit) is named."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ValidationError({"file": DomainError(
                N_("The file {file} cannot be read at line {line}: a cell is too long or badly quoted."),
                field="file", file=file_name or "", line=reader.line_num)}) from None
        yield row


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _columns(header: list[str], file_name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        plain = _plain(name)
        for key, names in _COLUMNS.items():
            if key not in found and plain in {_plain(n) for n in names}:
                found[key] = index
    if "notice" not in found:
        raise ValidationError({"file": DomainError(
            N_("The file {file} has no column naming the formal notice (its reference, MED-…)."), field="file",
            file=file_name or "")})
    if "sent_on" not in found and "received_on" not in found and "refused_on" not in found:
        raise ValidationError({"file": DomainError(
            N_("The file {file} has no date column (date d'envoi, date de réception, date de refus)."),
            field="file", file=file_name or "")})
    return found


def notice_by_id(session: Session, campaign: Campaign, debtor_id: int) -> FormalNotice:
    notice = session.scalar(sa.select(FormalNotice).where(FormalNotice.campaign_id == campaign.id,
                                                          FormalNotice.debtor_id == debtor_id))
    if notice is None:
        raise NotFound(N_("No formal notice was written for this debtor."))
    return notice
