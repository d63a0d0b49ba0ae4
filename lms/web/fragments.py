"""Parts of LMS pages rendered once per app process and reused: ``lms_fragment``.

Some parts of a page are the same HTML for everyone who sees the same values: a course's
module list for modules that stand the same way, the fields of an attempt's questions on
every view of that attempt. Rendering them (a link, a time estimate and a status in the
viewer's words for each of nine modules; a few hundred escaped attributes for a
knowledge check) costs more than the rest of the page, so a template wraps such a part in
a call block::

    {% call lms_fragment(version.id, progress.module_listing) %} ... {% endcall %}

and it is rendered the first time and reused while its key is the same.

The key is the caller's contract: the values given (plain values, tuples and frozen
dataclasses of them as they are, compared by value; a list or a dict of plain values is
keyed by its ``repr``) must determine everything the part shows
besides what the LMS adds to the key itself — the block's compiled code (so another
template, a host's override, or an edited template reloaded in debug mode never share an
entry), the page's locale (its words) and the request's URL base (script root, host,
scheme: its links). A fragment therefore shows nothing else — no CSRF token, flashed
message or anything about the viewer that is not in its key — except through holes.

A part that must carry something per viewer or per page (the request's CSRF token, the
viewer's name, the page's own path) names it in ``holes`` and writes ``hole(i)`` where the
i-th one goes; the part is kept with markers there and each use fills them in, escaped::

    {% call(hole) lms_fragment(me.role, holes=(me.name, csrf_token())) %}
      <span>{{ hole(0) }}</span> ... value="{{ hole(1) }}" ...
    {% endcall %}

A hole is filled in as it is: write ``{{ hole(i) }}`` alone, never through a filter.

Outside a request (an e-mail), or in an app where a ``url_defaults`` function could add
values to the LMS's links, the part is rendered every time. The table is bounded by the
characters it holds and emptied when full.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask.globals import _cv_request
from markupsafe import Markup, escape

from lms import i18n

#: Characters of HTML kept per app before the table is emptied (a few MB: real pages keep
#: a few hundred fragments of a few kB).
LIMIT = 4_000_000
_KEY = "fragments"
#: Key values kept as they are; any other (a list of question dicts) is keyed by its repr.
_AS_IS = frozenset({str, int, float, bool, type(None), tuple, frozenset})


def _kept_as_is(kind: type) -> bool:
    """Plain values, and frozen dataclasses (compared and hashed by their fields, like a
    learner's ``CourseProgress``), are keys as they are."""
    params = getattr(kind, "__dataclass_params__", None)
    return kind in _AS_IS or (params is not None and params.frozen and params.eq)


#: Where a hole's value goes in a kept part: a string no page text can contain (control
#: characters around a per-process random name).
_MARK = f"\x1flms-hole-{secrets.token_hex(8)}-"


def _hole(i: int) -> Markup:
    return Markup(f"{_MARK}{i}\x1f")


def _filled(html: Markup, holes: tuple) -> Markup:
    for i, value in enumerate(holes):
        html = Markup(str.replace(html, f"{_MARK}{i}\x1f", escape(value)))
    return html


#: ``_kept_as_is`` of each type met (a page's keys are of a handful of types).
_AS_IS_BY_TYPE: dict[type, bool] = {}


def _links_may_vary(app) -> bool:
    """Whether a ``url_defaults`` function of the app or of an LMS blueprint may add
    values to the LMS's URLs (then a kept fragment could hold another request's links)."""
    functions = app.url_default_functions
    return bool(functions.get(None)) or any(
        found and name and (name == "lms" or name.startswith("lms."))
        for name, found in functions.items()
    )


def _as_is(kind: type) -> bool:
    found = _AS_IS_BY_TYPE.get(kind)
    if found is None:
        found = _AS_IS_BY_TYPE[kind] = _kept_as_is(kind)
    return found


def lms_fragment(*values, holes: tuple = (), caller: Callable[..., str]) -> Markup:
    """The call block's HTML, rendered once for these ``values``, with ``holes`` filled in
    (see the module doc)."""
    ctx = _cv_request.get(None)
    if ctx is None or _links_may_vary(ctx.app):
        return _filled(Markup(caller(_hole)), holes) if holes else Markup(caller())
    adapter = ctx.url_adapter
    key = (
        # The call block's own compiled code: Jinja's Macro keeps the block's function.
        caller._func.__code__,
        str(i18n.get_locale()),
        adapter.script_name,
        adapter.server_name,
        adapter.subdomain,
        adapter.url_scheme,
        *(v if _as_is(type(v)) else repr(v) for v in values),
    )
    extra = ctx.app.extensions["lms"].extra
    table = extra.get(_KEY)
    if table is None:
        table = extra[_KEY] = {}
        extra[_KEY + ".size"] = 0
    try:
        found = table.get(key)
    except TypeError:  # a value that cannot be a key (a dataclass holding a list): no caching
        return _filled(Markup(caller(_hole)), holes) if holes else Markup(caller())
    if found is None:
        found = Markup(caller(_hole) if holes else caller())
        size = extra[_KEY + ".size"] + len(found)
        if size > LIMIT:
            table.clear()
            size = len(found)
        table[key] = found
        extra[_KEY + ".size"] = size
    return _filled(found, holes) if holes else found
