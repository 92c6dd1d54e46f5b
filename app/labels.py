"""Words for the statuses every area shows, in the user's language: one place per enum."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from campaigns import pause_reasons
from campaigns.models import MessageStatus, PromiseStatus

PROMISE_STATUS = {
    PromiseStatus.PENDING: _l("on track"), PromiseStatus.KEPT: _l("kept"),
    PromiseStatus.PARTIALLY_KEPT: _l("partly kept"), PromiseStatus.BROKEN: _l("broken"),
    PromiseStatus.CANCELLED: _l("cancelled"),
}

MESSAGE_STATUS = {
    MessageStatus.QUEUED: _l("waiting to be sent"), MessageStatus.SENT: _l("sent"),
    MessageStatus.FAILED: _l("not delivered"), MessageStatus.CANCELLED: _l("not sent (no longer needed)"),
}
MESSAGE_KIND = {"promise_confirmation": _l("Promise confirmation"), "reminder": _l("Reminder the day before"),
                "thanks": _l("Thanks for the payment")}

ANSWER_DECISION = {"maintained": _l("Invoice maintained"), "corrected": _l("Invoice corrected"),
                   "credit_note": _l("Credit note to come")}


def pause_reason_labels(session) -> tuple[dict[str, str], dict[str, str]]:
    """The pause reasons offered now, and every one (pauses already taken may name a retired one): code to
    words, a built-in reason in the reader's language, a manager's as written."""
    offered, every = {}, {}
    for reason in pause_reasons.listed(session, include_retired=True):
        text, translatable = pause_reasons.label_msgid(reason)
        every[reason.code] = gettext(text) if translatable else text
        if reason.active:
            offered[reason.code] = every[reason.code]
    return offered, every
