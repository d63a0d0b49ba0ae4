"""A bare host app, as a company portal would be: its own Flask-SQLAlchemy, its own
users table and login, and the LMS embedded under /training."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lms import LMS


class HostBase(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=HostBase)
login_manager = LoginManager()
login_manager.login_view = "host_login"


class HostUser(UserMixin, db.Model):
    __tablename__ = "host_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    mail: Mapped[str] = mapped_column(String(200))
    is_hr: Mapped[bool] = mapped_column(default=False)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(HostUser, int(user_id))


def person_for_user(user: HostUser):
    """The host's mapping: its users have ``mail``, not ``email``; HR staff are LMS admins."""
    from lms.accounts import services

    person = services.find_by_email(user.mail)
    if person is None:
        person = services.create_person(
            email=user.mail, name=user.username, external_id=f"host:{user.id}",
            role="admin" if user.is_hr else "employee",
        )
    return person


def create_host_app(config: dict) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    db.init_app(app)
    login_manager.init_app(app)
    LMS().init_app(app, url_prefix="/training", person_for_user=person_for_user)

    @app.route("/")
    def portal_home():
        who = current_user.username if current_user.is_authenticated else "guest"
        return f"Portal home for {who}"

    @app.route("/sign-in", methods=["GET", "POST"])
    def host_login():
        if request.method == "POST":
            user = db.session.scalar(db.select(HostUser).filter_by(username=request.form["username"]))
            if user is not None:
                login_user(user)
                return redirect(request.args.get("next") or url_for("portal_home"))
        return "Host sign-in page"

    return app
