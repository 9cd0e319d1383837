"""Searches that found nothing or were not followed, plausibly the department's (its owners
and admins), and the shared synonym list (admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import search_log
from catalog.errors import CatalogError, NotFound
from catalog.models import Offering
from catalog.numbers import whole_number
from catalog.search.synonym_list import add_synonym, save_synonyms, synonym_text
from catalog.search.synonyms import parse_groups

from ..changes import reason_of, saving
from ..extensions import db
from . import bp
from .lookup import editable_department, require_admin

MAX_FIELD = 200


def _text(name: str) -> str:
    return " ".join(request.form.get(name, "").replace("\x00", "").split())[:MAX_FIELD]


@bp.route("/<dept>/searches", methods=["GET", "POST"])
def searches(dept: str) -> str | Response:
    department = editable_department(dept)
    if request.method == "POST":
        _act(department.id)
        return redirect(url_for(".searches", dept=department.slug))
    return render_template("manage/searches.html", department=department,
                           gaps=search_log.department_searches(db.session, department),
                           offerings=search_log.keyword_targets(db.session, department))


def _act(department_id: int) -> None:
    """One action on one query: a keyword of an offering, or a synonym of a word."""
    query = _text("query")
    try:
        if request.form.get("action") == "synonym":
            word = _text("synonym_of")
            with saving(reindex=True):
                add_synonym(db.session, query, word)
            flash(_("“%(query)s” now finds what “%(word)s” finds.", query=query, word=word),
                  "success")
            return
        offering = db.session.get(Offering, whole_number(request.form.get("offering", "")) or 0)
        if offering is None or offering.department_id != department_id:
            raise NotFound(_("Choose one of the department's offerings."))
        with saving(reindex=True):
            search_log.add_query_as_keyword(db.session, offering, query, current_user)
        flash(_("“%(query)s” is now a keyword of “%(title)s”.", query=query,
                title=offering.title), "success")
    except CatalogError as error:
        flash(reason_of(error), "error")


@bp.route("/synonyms", methods=["GET", "POST"])
def synonyms() -> str | Response:
    require_admin("edit_synonyms")
    text = synonym_text(db.session)
    if request.method == "POST":
        text = request.form.get("synonyms", "").replace("\x00", "")
        try:
            with saving(reindex=True):
                groups = save_synonyms(db.session, text)
        except CatalogError as error:
            flash(reason_of(error), "error")
        else:
            flash(_("The synonym list was saved: %(count)d groups. Searches use it now.",
                    count=groups), "success")
            return redirect(url_for(".synonyms"))
    return render_template("manage/synonyms.html", text=text, groups=len(parse_groups(text)))
