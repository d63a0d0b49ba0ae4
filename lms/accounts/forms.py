"""Sign-in forms (Flask-WTF: every form carries a CSRF token)."""

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from lms.accounts.emails import check_email
from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.i18n import lazy_gettext as _l
from lms.web.forms import LMSForm


class EmailAddress:
    """WTForms validator with the LMS's one e-mail rule (``lms.accounts.emails``)."""

    def __call__(self, form, field):
        try:
            check_email(field.data or "")
        except ValueError:
            raise ValidationError(_l("Enter a valid e-mail address.")) from None


class LoginForm(LMSForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), EmailAddress()],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


def _new_password() -> PasswordField:
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )


def _repeated_password() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(LMSForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = _new_password()
    confirm = _repeated_password()


class ResetRequestForm(LMSForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), EmailAddress()],
        render_kw={"autocomplete": "username"},
    )


class NewPasswordForm(LMSForm):
    password = _new_password()
    confirm = _repeated_password()
