"""A training and certification LMS for company policies, as a Flask extension.

    from lms import LMS
    LMS(app, mode="standalone")                   # the LMS's own accounts, or
    LMS(app, mode="host", identity=user_to_id)    # inside a portal with its own login

See README.md for configuration and embedding.
"""

__all__ = ["LMS", "Identity"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so that ``import lms.domain`` stays free of Flask and SQLAlchemy.
    if name == "LMS":
        from lms.extension import LMS

        return LMS
    if name == "Identity":
        from lms.accounts.provisioning import Identity

        return Identity
    raise AttributeError(name)
