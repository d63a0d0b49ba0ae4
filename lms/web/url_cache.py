"""``url_for`` for LMS templates: the same URLs as Flask's, each built once per app process.

A course page links to its modules, the policy and the assessment about forty times, and
Flask's ``url_for`` (blueprint lookup, URL defaults, Werkzeug's rule building and
quoting) costs more per call than rendering the link around it. A URL inside a request
depends only on the endpoint, its values and the request's URL adapter (script root,
server name, subdomain), unless a ``url_defaults`` function may add values: so for every
endpoint with no such function on the app or its blueprints, the built URL is kept in a
small per-app table keyed by exactly those things. Anything else — ``_external``,
``_anchor``, ``_method``, ``_scheme``, a relative ``.name``, a value that is not a plain
string or number, no request, a build error — goes to Flask's own ``url_for`` every time.

Only the LMS's overlay of the Jinja environment uses it (``lms.web.templating``): the
host's own templates keep Flask's.
"""

from __future__ import annotations

from flask import url_for as flask_url_for
from flask.globals import _cv_request

#: Entries kept per app before the table is emptied (a bound on memory, never on speed
#: for real pages: their links number in the hundreds).
LIMIT = 4096
_PLAIN = (str, int)
_KEY = "url_cache"


def _defaults_apply(app, endpoint: str) -> bool:
    """Whether a ``url_defaults`` function of the app or of the endpoint's blueprints
    may change the values (then the URL may differ from one call to the next)."""
    functions = app.url_default_functions
    if functions.get(None):
        return True
    if "." not in endpoint:
        return False
    names = endpoint.rpartition(".")[0].split(".")
    return any(functions.get(".".join(names[: i + 1])) for i in range(len(names)))


def url_for(endpoint: str, **values) -> str:
    """Flask's ``url_for``; the result reused when it can only ever be the same."""
    ctx = _cv_request.get(None)
    if ctx is None or endpoint[:1] == "." or any(k[:1] == "_" for k in values):
        return flask_url_for(endpoint, **values)
    if not all(type(v) in _PLAIN for v in values.values()):
        return flask_url_for(endpoint, **values)  # e.g. a bool, a date, a lazy string
    adapter, app = ctx.url_adapter, ctx.app
    # The type is in the key as well: 1 and "1" build the same URL, but True == 1 would not.
    key = (
        adapter.script_name,
        adapter.server_name,
        adapter.subdomain,
        adapter.url_scheme,
        endpoint,
        *((k, type(v), v) for k, v in values.items()),
    )
    cache = app.extensions["lms"].extra.get(_KEY)
    if cache is None:
        cache = app.extensions["lms"].extra[_KEY] = {}
    found = cache.get(key)
    if found is None:
        found = flask_url_for(endpoint, **values)
        if not _defaults_apply(app, endpoint):
            if len(cache) >= LIMIT:
                cache.clear()
            cache[key] = found
    return found
