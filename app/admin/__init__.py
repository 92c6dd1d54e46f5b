"""Accounts, the audit log, background jobs and interest rates, for administrators; the pause reasons, for
managers too."""
from flask import Blueprint
from flask_babel import lazy_gettext

from campaigns.models import Role

from ..navigation import nav_item

bp = Blueprint("admin", __name__, url_prefix="/admin")
nav_item(bp, [Role.ADMIN], "admin.users", lazy_gettext("Accounts"))
nav_item(bp, [Role.ADMIN], "admin.audit_log", lazy_gettext("Audit log"))
nav_item(bp, [Role.ADMIN], "admin.health", lazy_gettext("Background jobs"))
nav_item(bp, [Role.ADMIN], "admin.rates_page", lazy_gettext("Interest rates"))
nav_item(bp, [Role.MANAGER, Role.ADMIN], "admin.pause_reasons_page", lazy_gettext("Pause reasons"))

from . import routes  # noqa: E402,F401
