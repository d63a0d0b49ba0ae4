"""Run inside the wheel's virtualenv, from a folder outside the checkout: the deployment
steps of a portal that embeds the LMS, then a host user opening a course page.

    python drive_portal.py            (DATABASE_URL and LMS_* in the environment)

Prints one line per step and exits non-zero at the first one that fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLASK = [sys.executable, "-m", "flask", "--app", "portal:create_app_from_env()"]


def flask(*args: str) -> str:
    result = subprocess.run([*FLASK, *args], cwd=HERE, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Traceback" in output:
        sys.exit(f"FAILED: flask {' '.join(args)}\n{output}")
    print(f"ok: flask {' '.join(args)}")
    return output


def main() -> None:
    import lms

    where = Path(lms.__file__).resolve()
    if "site-packages" not in where.parts:
        sys.exit(f"FAILED: lms was imported from {where}, not from the installed wheel")
    print(f"ok: lms imported from {where.parent}")

    flask("db", "upgrade")  # the portal's own history
    flask("lms", "db", "upgrade")  # the LMS's, from the migrations inside the wheel
    versions = HERE / "portal" / "migrations" / "versions"
    before = sorted(versions.glob("*.py"))
    output = flask("db", "migrate", "-m", "routine")
    if sorted(versions.glob("*.py")) != before:
        sys.exit(f"FAILED: the portal's autogenerate wrote a revision\n{output}")
    flask("db", "check")
    flask("lms", "example-course")
    print(flask("lms", "check-courses").strip().splitlines()[-1])
    flask("lms", "sync-courses")

    from portal import HostUser, create_app_from_env, db

    app = create_app_from_env()
    with app.app_context():
        db.session.add(HostUser(username="hanna", mail="hanna@acme.local", full_name="Hanna Host"))
        db.session.commit()
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/sign-in", data={"username": "hanna", "csrf_token": token})
    home = client.get("/training/")
    course = client.get("/training/courses/social-media-policy/")
    if home.status_code != 200 or course.status_code != 200:
        sys.exit(f"FAILED: course page answered {home.status_code}/{course.status_code}")
    html = course.get_data(as_text=True)
    if "Social media policy" not in html or "Acme portal" not in html:
        sys.exit("FAILED: the course page is not the LMS course inside the portal's layout")
    print("ok: a portal user opened the course page inside the portal's layout")


if __name__ == "__main__":
    os.chdir(HERE)
    main()
