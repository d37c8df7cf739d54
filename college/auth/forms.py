from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp


class LoginForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[
        DataRequired(_l("Please enter your phone number.")),
        Regexp(r"^\+?[0-9 -]{5,20}$", message=_l("A phone number has digits only, like 13800000000.")),
    ], render_kw={"autocomplete": "tel", "inputmode": "tel"})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))
