from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from campaigns import accounts, audit, queue, shift
from campaigns.errors import DomainError
from campaigns.models import Role

from ..errors import domain_message
from ..extensions import db
from . import bp
from .forms import LoginForm
from .permissions import any_role, public, roles_required


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(db.session, form.email.data, form.password.data,
                                         address=request.remote_addr)
        except DomainError as exc:
            db.session.commit()  # keep the failed attempt: it feeds the throttle
            error = domain_message(exc)
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"), 303)
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@any_role
def logout():
    if current_user.role is Role.AGENT:
        shift.change(db.session, current_user.id, shift.LOGGED_OUT)   # the shift's logged time ends here
    queue.release_all(db.session, current_user.id)   # the card left on screen goes to the others at once
    accounts.end_sessions(current_user)   # a copy of this session's cookie no longer works either
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code in ("fr", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"), 303)


@bp.route("/account/digest", methods=["GET", "POST"])
@roles_required(Role.CLIENT, Role.MANAGER, Role.ADMIN)
def digest():
    """The daily digest of what waits: on or off, for oneself."""
    if request.method == "POST":
        wanted = request.form.get("digest") == "1"
        user = current_user._get_current_object()
        if user.digest_enabled != wanted:
            user.digest_enabled = wanted
            audit.record(db.session, user.id, "user.digest_on" if wanted else "user.digest_off", user)
            db.session.commit()
        flash(_("You will receive the daily digest.") if wanted else _("You will no longer receive the daily digest."),
              "success")
        return redirect(url_for("auth.digest"), 303)
    return render_template("auth/digest.html", enabled=current_user.digest_enabled)
