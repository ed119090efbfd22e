"""Log in, log out, change password, switch language."""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from sponsorship.forms.auth import ChangePasswordForm, LanguageForm, LoginForm, LogoutForm
from sponsorship.models.enums import Role
from sponsorship.services.core import audit, users
from sponsorship.views import safe_next
from sponsorship.views.rate_limits import (
    failed,
    limit_by_address,
    limit_by_field,
    minutes_until,
)
from sponsorship.views.unit_of_work import attempt

bp = Blueprint("auth", __name__)


def _login_refused(limit):
    """Answer 429 with the login name kept and when to try again."""
    flash(
        _(
            "Too many failed logins. Please try again in %(minutes)s minutes.",
            minutes=minutes_until(limit),
        ),
        "error",
    )
    return make_response(render_template("auth/login.html", form=LoginForm()), 429)


def home_for(user) -> str:
    """Return where a user lands after logging in."""
    if user.role == Role.SPONSOR and "portal.home" in current_app.view_functions:
        return url_for("portal.home")
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limit_by_address("LOGIN_RATE_LIMIT", _login_refused, deduct_when=failed)
@limit_by_field("LOGIN_ACCOUNT_RATE_LIMIT", "username", _login_refused, deduct_when=failed)
def login():
    """Log a user in with a fresh session and send them home.

    Failed attempts are limited per login name and per address; correct ones are not counted.
    """
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        # A failed login is audited too: the unit of work is kept either way.
        user = attempt(lambda: users.authenticate(form.username.data, form.password.data)).value
        if user is None:
            flash(_("Wrong login name or password."), "error")
            return render_template("auth/login.html", form=form), 200
        lang = session.get("lang")
        session.clear()  # a fresh session on login: nothing from before carries over
        if lang:
            session["lang"] = lang
        login_user(user)
        return redirect(safe_next(request.args.get("next"), home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out and end every session of this user, keeping the chosen language."""
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        attempt(lambda: _end_sessions(current_user._get_current_object()))
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _end_sessions(user) -> None:
    # A new token invalidates every session cookie that carries the old one.
    user.rotate_session_token()
    audit.record("auth.logout", user)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the user's own password after checking the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            done = attempt(
                lambda: users.change_password(user, form.new.data),
                success=_("Your password has been changed."),
                form=form,
                field="new",
            )
            if done:
                login_user(user)  # stay signed in here; every other session has ended
                return redirect(home_for(user))
    return render_template("auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language and return to the page the user came from."""
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data, url_for("main.index")))
