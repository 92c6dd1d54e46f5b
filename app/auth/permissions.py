"""Role checks on every route. Each view declares who may call it; tests read the declarations."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from campaigns.models import Role

PUBLIC = "public"


def roles_required(*roles: Role):
    """Only logged-in users with one of ``roles`` may call the view; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without logging in."""
    view.allowed_roles = PUBLIC
    return view


def any_role(view):
    """Any logged-in user."""
    return roles_required(*Role)(view)
