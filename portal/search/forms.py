"""The search form: read from the query string, never rejected (any text is a query)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, IntegerField, SearchField

from catalog.search import Criteria, criteria


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    q = SearchField()
    department = HiddenField()
    audience = HiddenField()
    page = IntegerField(default=1)
    per_page = IntegerField()

    def __init__(self, args: MultiDict) -> None:
        super().__init__(formdata=args)

    def criteria(self, per_page: int) -> Criteria:
        """What to search for; odd values (a page of "abc", an unknown audience) are ignored."""
        return criteria(
            text=self.q.data or "",
            department=self.department.data or None,
            audience=self.audience.data or None,
            page=self.page.data or 1,
            per_page=self.per_page.data or per_page,
        )
