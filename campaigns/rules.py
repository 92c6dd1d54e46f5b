"""What happens after a call: outcome -> next queue state and delay before the next call.

Defaults below; a campaign overrides any entry in ``Campaign.retry_rules``, e.g.
``{"no_answer": {"delay_minutes": 60}, "skip_minutes": 2}``.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import calendar, merge_fields
from .models import Campaign, QueueState

# key -> (queue state, delay in minutes before the debtor can be called again; None = no timed return)
DEFAULT_RULES: dict[str, dict] = {
    "no_answer": {"state": QueueState.READY, "delay_minutes": 120},
    "busy": {"state": QueueState.READY, "delay_minutes": 30},
    "voicemail": {"state": QueueState.READY, "delay_minutes": 240},
    "switchboard": {"state": QueueState.READY, "delay_minutes": 60},
    "wrong_party": {"state": QueueState.READY, "delay_minutes": 24 * 60},
    # With another valid number left: tried again soon; otherwise waits for a new number.
    "wrong_number": {"state": QueueState.READY, "delay_minutes": 15},
    "wrong_number_none_left": {"state": QueueState.WRONG_NUMBER, "delay_minutes": None},
    "right_party": {"state": QueueState.READY, "delay_minutes": 3 * 24 * 60},
    "refusal": {"state": QueueState.REFUSED, "delay_minutes": None},
    # Outcomes of a contact.
    "promise": {"state": QueueState.PROMISED, "delay_minutes": None},   # back at date + grace
    "callback": {"state": QueueState.CALLBACK, "delay_minutes": None},  # back at the callback time
    "motive_blocking": {"state": QueueState.DISPUTED, "delay_minutes": None},
    "motive": {"state": QueueState.READY, "delay_minutes": 7 * 24 * 60},
    "already_paid": {"state": QueueState.DISPUTED, "delay_minutes": None},
    "max_attempts": {"state": QueueState.UNREACHABLE, "delay_minutes": None},
}
DEFAULT_SKIP_MINUTES = 5  # a debtor released without an outcome is not offered again at once


@dataclass(frozen=True)
class NextAction:
    state: QueueState
    delay_minutes: int | None


def _is_clock(text) -> bool:
    try:
        calendar.parse_clock(text or "")
        return True
    except ValueError:
        return False


def rules_for(campaign: Campaign | None) -> dict[str, dict]:
    rules = {k: dict(v) for k, v in DEFAULT_RULES.items()}
    for key, value in ((campaign.retry_rules if campaign else None) or {}).items():
        if key in rules and isinstance(value, dict):
            if "delay_minutes" in value:
                rules[key]["delay_minutes"] = None if value["delay_minutes"] is None else int(value["delay_minutes"])
            if "state" in value:
                rules[key]["state"] = QueueState(value["state"])
    return rules


def skip_minutes(campaign: Campaign | None) -> int:
    value = ((campaign.retry_rules if campaign else None) or {}).get("skip_minutes")
    return DEFAULT_SKIP_MINUTES if value is None else int(value)


def next_action(campaign: Campaign | None, key: str) -> NextAction:
    rule = rules_for(campaign)[key]
    return NextAction(QueueState(rule["state"]), rule["delay_minutes"])


# --- The manager's settings form (app/rules) -------------------------------------------------------

SETTABLE_DELAYS = ("no_answer", "busy", "voicemail", "switchboard", "wrong_party", "wrong_number", "right_party",
                   "motive")


# How the card links a number: "tel" opens the phone or the computer's calling app, "sip" a softphone.
DIAL_SCHEMES = ("tel", "sip")


def save_settings(session, campaign: Campaign, user_id: int, *, weights: dict, hours: dict, lease_minutes,
                  max_attempts, promise_grace_days, callback_grace_minutes, delays: dict, scripts: dict,
                  small_first: bool = False, segment_points: dict | None = None,
                  size_points: dict | None = None, dial_scheme: str | None = None) -> None:
    """Validate then store the campaign's queue settings; ValidationError({field: DomainError}) otherwise."""
    from . import audit
    from .errors import N_, DomainError, ValidationError
    from .models import CallScript
    errors: dict = {}

    def number(name, value, low, high, cast=int):
        try:
            v = cast(value)
        except (TypeError, ValueError):
            errors[name] = DomainError(N_("Enter a number."), field=name)
            return None
        if not low <= v <= high:
            errors[name] = DomainError(N_("Enter a number between {low} and {high}."), field=name, low=low, high=high)
            return None
        return v

    clean_weights = {k: number(f"weight_{k}", v, 0, 100, float) for k, v in weights.items()}
    # Points a segment or a company size adds (or, negative, takes away); empty means none.
    segments = {seg: number(f"segment_points:{seg}", v, -100, 100, float)
                for seg, v in (segment_points or {}).items() if str(v).strip()}
    sizes = {size: number(f"size_points_{size}", v, -100, 100, float)
             for size, v in (size_points or {}).items() if str(v).strip()}
    days = sorted({int(d) for d in hours.get("days", []) if str(d).isdigit() and 0 <= int(d) <= 6})
    if not days:
        errors["days"] = DomainError(N_("Choose at least one calling day."), field="days")
    windows = []
    for i, (start, end) in enumerate(hours.get("windows", [])):
        if not start and not end:
            continue
        if not (_is_clock(start) and _is_clock(end)) or start >= end:
            errors[f"window_{i}"] = DomainError(N_("Give a start and an end time (HH:MM), the start first."),
                                                field=f"window_{i}")
        else:
            windows.append([start, end])
    if not windows and not any(k.startswith("window_") for k in errors):
        errors["window_0"] = DomainError(N_("Give at least one calling window."), field="window_0")
    lease = number("lease_minutes", lease_minutes, 1, 120)
    attempts = number("max_attempts", max_attempts, 1, 50)
    grace = number("promise_grace_days", promise_grace_days, 0, 30)
    cb_grace = number("callback_grace_minutes", callback_grace_minutes, 0, 24 * 60)
    clean_delays = {k: number(f"delay_{k}", v, 1, 60 * 24 * 60) for k, v in delays.items()}
    for segment, (_title, body) in scripts.items():
        wrong = merge_fields.unknown(body or "")
        if wrong:   # a typo would show "{montant}" to every agent on every card
            errors[f"script_body:{segment}"] = DomainError(
                N_("Unknown merge fields: {fields}. The fields are listed above the scripts."),
                field=f"script_body:{segment}", fields=", ".join("{" + name + "}" for name in wrong))
    if dial_scheme is not None and dial_scheme not in DIAL_SCHEMES:
        errors["dial_scheme"] = DomainError(N_("Choose how the card's numbers are dialled."), field="dial_scheme")
    if errors:
        raise ValidationError(errors)
    if dial_scheme is not None:
        campaign.dial_scheme = dial_scheme
    campaign.priority_weights = {**clean_weights, "small_first": bool(small_first),
                                 "segments": {k: v for k, v in segments.items() if v},
                                 "sizes": {k: v for k, v in sizes.items() if v}}
    campaign.calling_hours = {"days": days, "windows": sorted(windows), "exclude_holidays": bool(hours.get(
        "exclude_holidays"))}
    campaign.lease_minutes, campaign.max_attempts = lease, attempts
    campaign.promise_grace_days, campaign.callback_grace_minutes = grace, cb_grace
    campaign.retry_rules = {k: {"delay_minutes": v} for k, v in clean_delays.items()}
    existing = {s.segment: s for s in campaign.scripts}
    for segment, (title, body) in scripts.items():
        script = existing.get(segment)
        if body and body.strip():
            if script is None:
                script = CallScript(campaign_id=campaign.id, segment=segment)
                session.add(script)
            script.title = ((title or "").strip() or segment or "Script")[:200]
            script.body = body.strip()
        elif script is not None:
            session.delete(script)
    session.flush()
    from . import priority
    priority.recompute_campaign(session, campaign.id)
    audit.record(session, user_id, "campaign.queue_settings", campaign, weights=campaign.priority_weights,
                 calling_hours=campaign.calling_hours, lease_minutes=lease, max_attempts=attempts,
                 dial_scheme=campaign.dial_scheme)
