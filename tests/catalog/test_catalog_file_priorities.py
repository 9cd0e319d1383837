"""The catalog file keeps an offering's priority choices, hints and own commitments per
priority: export, import, export gives the same file; bad values are named by their path."""

from __future__ import annotations

import copy

import pytest

from catalog.catalog_file import (
    CatalogFileError,
    dump_yaml,
    export_catalog,
    import_catalog,
    load_yaml,
)
from catalog.models import Offering

PARKING = {
    "slug": "parking", "title": "Parking space", "audience": ["employee"],
    "priorities": {"employee_choices": ["low", "normal"],
                   "hints": {"normal": "You need it this month",
                             "critical": "A production line stands still"}},
    "commitment": [{"priority": "high", "first_response": "30m", "resolution": "2h"},
                   {"priority": "critical", "first_response": "15m", "resolution": "1h"}],
}
CATALOG = {"departments": [{
    "slug": "facilities", "name": "Facilities",
    "commitments": [{"priority": "normal", "first_response": "4h", "resolution": "3d"},
                    {"priority": "high", "first_response": "1h", "resolution": "1d"}],
    "offerings": [PARKING, {"slug": "desk", "title": "A desk",
                            "commitment": {"first_response": "2h", "resolution": "2d"}}],
}]}


def offering(session, slug: str) -> Offering:
    return session.query(Offering).filter_by(slug=slug).one()


def test_round_trip_keeps_choices_hints_and_commitments_per_priority(session):
    import_catalog(session, copy.deepcopy(CATALOG))
    session.commit()
    parking = offering(session, "parking")
    assert parking.employee_priorities == ["low", "normal"]
    assert parking.priority_hints["critical"] == "A production line stands still"
    assert parking.targets() == [("normal", 240, 1620), ("high", 30, 120),
                                 ("critical", 15, 60)]
    first = dump_yaml(export_catalog(session))
    exported = load_yaml(first)["departments"][0]["offerings"]
    by_slug = {o["slug"]: o for o in exported}
    assert by_slug["parking"]["priorities"] == PARKING["priorities"]
    assert by_slug["parking"]["commitment"] == PARKING["commitment"]
    assert by_slug["desk"]["commitment"] == {"first_response": "2h", "resolution": "2d"}
    assert "priorities" not in by_slug["desk"]
    import_catalog(session, load_yaml(first))
    session.commit()
    assert dump_yaml(export_catalog(session)) == first


def test_a_plain_commitment_replaces_the_per_priority_one_on_import(session):
    import_catalog(session, copy.deepcopy(CATALOG))
    changed = copy.deepcopy(CATALOG)
    changed["departments"][0]["offerings"][0]["commitment"] = {"first_response": "1h",
                                                              "resolution": "1d"}
    del changed["departments"][0]["offerings"][0]["priorities"]
    import_catalog(session, changed)
    session.commit()
    parking = offering(session, "parking")
    assert parking.priority_targets is None and parking.employee_priorities is None
    assert parking.targets() == [("normal", 60, 540), ("high", 60, 540)]


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"priorities": {"employee_choices": ["normal", "urgent"]}},
     "offerings[0].priorities.employee_choices[1]", "unknown value 'urgent'"),
    ({"priorities": {"employee_choices": []}},
     "offerings[0].priorities.employee_choices", "at least one"),
    ({"priorities": {"hints": {"urgent": "Now"}}}, "offerings[0].priorities.hints.urgent",
     "unknown priority"),
    ({"priorities": {"hints": {"high": "x" * 201}}}, "offerings[0].priorities.hints.high",
     "one line"),
    ({"priorities": {"choices": ["low"]}}, "offerings[0].priorities.choices", "unknown key"),
    ({"commitment": [{"priority": "high", "first_response": "1w", "resolution": "1d"}]},
     "offerings[0].commitment[0].first_response", "1w"),
    ({"commitment": [{"priority": "high", "first_response": "1h", "resolution": "1d"},
                     {"priority": "high", "first_response": "2h", "resolution": "2d"}]},
     "offerings[0].commitment[1].priority", "twice"),
])
def test_import_errors_name_their_path(session, change, path, words):
    data = copy.deepcopy(CATALOG)
    data["departments"][0]["offerings"][0].update(change)
    with pytest.raises(CatalogFileError) as error:
        import_catalog(session, data)
    problems = {p: str(m) for p, m in error.value.problems.items}
    assert f"departments[0].{path}" in problems, problems
    assert words in problems[f"departments[0].{path}"]
