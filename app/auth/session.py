"""Loading the logged-in user, and what happens when a session has expired."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext
from flask_htmx import make_response

from campaigns.models import User

from ..extensions import db, htmx, login_manager


POLL_HEADER = "X-Relance-Poll"  # set by elements that refresh themselves (hx-trigger="every ...")


class ActivitySessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose idle time counts only what a person does.

    The cookie (and its signature's timestamp, checked against PERMANENT_SESSION_LIFETIME) is renewed on
    each request, except on automatic polls: a dashboard left open on an unattended screen still expires.
    """

    def should_set_cookie(self, app, session) -> bool:
        if request.headers.get(POLL_HEADER):
            return session.modified
        return super().should_set_cookie(app, session)


def register_session_hooks(app):
    app.session_interface = ActivitySessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str):
        """The session's user, if the account is still active and the session still current: a logout (or a
        password change) raised the account's session version, which ends every session carrying the old one."""
        user_id, _, version = identity.partition(".")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if htmx:
            # Swapping a login page into a card would be confusing: send the whole page there.
            return make_response("", 401, redirect=login_url)
        return redirect(login_url)

    @app.before_request
    def keep_session_alive():
        from flask import session
        if not session.permanent:  # setting it marks the session modified: only once
            session.permanent = True  # idle expiry: PERMANENT_SESSION_LIFETIME since the last request


# flask-login needs these on the user class.
User.is_authenticated = property(lambda self: True)
User.is_anonymous = property(lambda self: False)
User.get_id = lambda self: f"{self.id}.{self.session_version or 0}"
