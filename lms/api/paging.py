"""Paging API lists in SQL: one page of rows and the page fields of the answer."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from lms.api import schemas
from lms.db import session


def paginate(stmt: Select, query: schemas.PageQuery) -> tuple[list, dict[str, int]]:
    """The rows of the asked page, and the page fields of the answer."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = list(
        session.execute(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page))
    )
    return rows, {"page": query.page, "per_page": query.per_page, "total": total}
