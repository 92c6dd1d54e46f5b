import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from campaigns.models import ClientCompany

ROLE_CHOICES = [SelectChoice("agent", _l("Negotiator")), SelectChoice("manager", _l("Campaign manager")),
                SelectChoice("client", _l("Client")), SelectChoice("admin", _l("Administrator"))]


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    client_company_id = SelectField(_l("Client company (client users only)"), coerce=int, choices=[])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)])

    def load_companies(self, session):
        self.client_company_id.choices = [SelectChoice("0", "—")] + [
            SelectChoice(str(c.id), c.name) for c in session.scalars(sa.select(ClientCompany).order_by(ClientCompany.name))]
