from flask import render_template
from flask_login import current_user

from campaigns.overview import campaign_rows

from ..auth.permissions import any_role
from ..extensions import db
from . import bp


@bp.route("/")
@any_role
def index():
    """Every role starts on its list of campaigns."""
    rows = campaign_rows(db.session, current_user)
    return render_template("home/index.html", rows=rows)
