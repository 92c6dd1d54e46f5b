"""Words for the statuses every area shows, in the user's language: one place per enum."""
from flask_babel import lazy_gettext as _l

from campaigns.models import PromiseStatus

PROMISE_STATUS = {
    PromiseStatus.PENDING: _l("on track"), PromiseStatus.KEPT: _l("kept"),
    PromiseStatus.PARTIALLY_KEPT: _l("partly kept"), PromiseStatus.BROKEN: _l("broken"),
    PromiseStatus.CANCELLED: _l("cancelled"),
}
