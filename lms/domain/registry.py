"""One small registry type for every set of variants keyed by a stable id.

Question types, scenario node kinds, scoring modes, renewal modes and mail backends are
each a :class:`Registry`, the way CTFd keys its challenge types: the id is what course
files and the database store, so it never changes once published, and registering an id
twice raises at start-up instead of one variant silently replacing another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(MutableMapping[str, T], Generic[T]):
    """Variants of one kind by id, in registration order.

    Read it like a mapping (``REGISTRY["id"]``, ``in``, iteration). Add variants with
    :meth:`register` or the :meth:`decorator`, both of which refuse an empty or taken
    id. Item assignment replaces a variant deliberately (a test swapping one out) and
    :meth:`pop` removes one; neither is how a plugin should add a variant.
    """

    def __init__(self, what: str) -> None:
        #: What a variant is called in messages ("question type", "renewal mode").
        self.what = what
        self._items: dict[str, T] = {}

    def _check_free(self, key: object) -> None:
        if not isinstance(key, str) or not key:
            raise ValueError(f"a {self.what} needs a non-empty string id")
        if key in self._items:
            raise ValueError(f"{self.what} {key!r} is already registered")

    def register(self, key: str, value: T) -> T:
        """Add ``value`` under ``key`` and return it; ValueError if ``key`` is empty or taken."""
        self._check_free(key)
        self._items[key] = value
        return value

    def decorator(self, key: str) -> Callable[[T], T]:
        """A decorator registering what it decorates under ``key``.

        The id is checked when the decorator is made and again when it is applied (it
        may be applied later, after someone else took the id).
        """
        self._check_free(key)

        def decorate(value: T) -> T:
            return self.register(key, value)

        return decorate

    def require(self, key: object) -> T:
        """The variant ``key``; ValueError naming the kind if there is none."""
        value = self._items.get(key) if isinstance(key, str) else None
        if value is None:
            raise ValueError(f"unknown {self.what} {key!r}")
        return value

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def __setitem__(self, key: str, value: T) -> None:
        self._items[key] = value

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<Registry of {self.what}s: {', '.join(self._items)}>"
