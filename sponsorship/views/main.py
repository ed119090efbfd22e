"""The front door (the appeal for visitors, the home page for users) and the staff dashboard."""

from flask import Blueprint, redirect, render_template
from flask_login import current_user

from sponsorship.access import READERS, roles_required
from sponsorship.services.dashboard import summary_for
from sponsorship.views import public
from sponsorship.views.auth import home_for

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return public.landing()

    return redirect(home_for(current_user))


@bp.route("/dashboard")
@roles_required(*READERS)
def dashboard():
    return render_template("main/dashboard.html", summary=summary_for(current_user))
