"""Words for the import kinds and an update file's changes, in the user's language (one place for each)."""
from flask_babel import lazy_gettext

from campaigns.models import ImportKind

from ..labels import PROMISE_STATUS

PROMISE_LABELS = {status.value: label for status, label in PROMISE_STATUS.items()}

KINDS = {"initial": ImportKind.INITIAL, "payments": ImportKind.PAYMENTS, "update": ImportKind.UPDATE}
KIND_LABELS = {ImportKind.INITIAL: lazy_gettext("Receivables file"),
               ImportKind.PAYMENTS: lazy_gettext("Payments list"),
               ImportKind.UPDATE: lazy_gettext("New complete balance")}
CHANGE_LABELS = {
    "paid": lazy_gettext("Paid"), "partly_paid": lazy_gettext("Paid in part"),
    "overpaid": lazy_gettext("Overpaid: set to zero"), "increased": lazy_gettext("Increased"),
    "new": lazy_gettext("New invoice"), "absent_paid": lazy_gettext("Absent from the file: taken as paid"),
    "matched": lazy_gettext("Matched in the ledger: paid"),
    "unknown": lazy_gettext("Unknown invoice: not applied"),
    "already_paid": lazy_gettext("Already paid: not applied"),
    "ambiguous": lazy_gettext("Several customers have this invoice number: not applied"),
    "kept_rejected": lazy_gettext("Row rejected: left as it was"),
    "bad_reference": lazy_gettext("Payment reference with wrong check digits: not applied"),
}
