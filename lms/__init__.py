"""A training and certification LMS for company policies, as a Flask extension.

    from lms import LMS
    LMS().init_app(app)                       # standalone accounts, or
    LMS().init_app(app, person_for_user=fn)   # inside a host with its own login

See README.md for configuration and embedding.
"""

__all__ = ["LMS"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so that ``import lms.domain`` stays free of Flask and SQLAlchemy.
    if name == "LMS":
        from lms.extension import LMS

        return LMS
    raise AttributeError(name)
