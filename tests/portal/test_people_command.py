"""`flask --app portal people import FILE.csv [--dry-run]`: what the operator sees and what is
written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.models import User
from catalog.people import directory
from portal.commands import people as people_command

HEADER = "email,name,audience,department,manager_email"


@pytest.fixture
def write_csv(tmp_path):
    def write(*rows: str, encoding: str = "utf-8", header: str = HEADER):
        path = tmp_path / "people.csv"
        path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
        return path
    return write


def everyone(session):
    """(e-mail, name, audience, department slug, manager's e-mail) of every account."""
    session.expire_all()
    return sorted((u.email, u.name, u.audience, u.department.slug if u.department else None,
                   u.manager.email if u.manager else None)
                  for u in session.scalars(select(User)))


@pytest.fixture
def existing(session, make_user, make_department):
    """Two departments and three accounts, one of them managed by another."""
    it = make_department(slug="it", code="IT")
    make_department(slug="hr", code="HR")
    boss = make_user(email="boss@example.com", name="Bea Boss")
    carl = make_user(email="carl@example.com", name="Carl", audience="temporary")
    carl.department, carl.manager = it, boss
    make_user(email="dora@example.com", name="Dora", audience="shareholder")
    session.commit()
    return everyone(session)


def test_error_on_line_7_names_it_and_writes_nothing(runner, session, existing, write_csv):
    path = write_csv(
        "new1@example.com,New One,,it,boss@example.com",
        "carl@example.com,Carl Renamed,contractor,hr,dora@example.com",
        "new2@example.com,New Two,,,",
        "dora@example.com,Dora Renamed,,,",
        "new3@example.com,New Three,,hr,",
        "new4@example.com,New Four,,accounting,",
        "new5@example.com,New Five,,,",
    )
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "line 7: unknown department 'accounting'"
    assert "1 problem(s)" in result.stderr and "nothing was imported" in result.stderr
    assert result.stdout == ""
    assert everyone(session) == existing
    assert session.scalar(select(func.count(User.id))) == 3


def test_import_creates_updates_then_a_second_run_changes_nothing(runner, session, existing,
                                                                 write_csv):
    path = write_csv(
        "New@Example.com,New Person,,it,carl@example.com",
        "carl@example.com,Carl Renamed,contractor,hr,dora@example.com",
        "dora@example.com,Dora,,,",
    )
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Imported {path}: created 1, updated 1, unchanged 1.\n"
    assert everyone(session) == [
        ("boss@example.com", "Bea Boss", "employee", None, None),
        ("carl@example.com", "Carl Renamed", "contractor", "hr", "dora@example.com"),
        ("dora@example.com", "Dora", "shareholder", None, None),
        ("new@example.com", "New Person", "employee", "it", "carl@example.com"),
    ]
    assert session.scalar(select(User.password_hash).where(User.email == "new@example.com")) \
        is None
    before = everyone(session)
    again = runner.invoke(args=["people", "import", str(path)])
    assert again.exit_code == 0
    assert again.stdout == (f"Imported {path}: created 0, updated 0, unchanged 3; "
                            "nothing changed.\n")
    assert everyone(session) == before


def test_dry_run_writes_nothing(runner, session, existing, write_csv):
    path = write_csv("new@example.com,New Person,,it,", "dora@example.com,Dora Renamed,,,",
                     "carl@example.com,Carl,,it,boss@example.com")
    result = runner.invoke(args=["people", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("Dry run, nothing written: would create 1, update 1, "
                             "leave 1 unchanged.\n")
    assert everyone(session) == existing


def test_every_problem_is_listed_with_its_line(runner, session, existing, write_csv):
    path = write_csv(
        "not-an-email,Ann,,,",
        "b@example.com,,,,",
        "c@example.com,Cid,chef,,c@example.com",
        "b@example.com,Bob,,,",
        "d@example.com,Dan,,",
        "e@example.com,Eve,,,f@example.com",
        "f@example.com,Fay,,,e@example.com",
    )
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 2: 'not-an-email' is not a valid e-mail address",
        "line 3: the name is empty",
        "line 4: unknown audience 'chef'; one of employee, temporary, contractor, "
        "shareholder, or empty",
        "line 4: c@example.com cannot be their own manager",
        "line 5: b@example.com appears twice (first on line 3)",
        "line 6: 4 cells, expected 5 (one for each column of the header)",
        "line 7: manager cycle: e@example.com -> f@example.com -> e@example.com (lines 7, 8)",
        f"Error: 7 problem(s) in {path}; nothing was imported.",
    ]
    assert everyone(session) == existing


def test_header_problems_stop_before_the_rows(runner, existing, write_csv):
    path = write_csv("a@example.com,Ann,,", header="E-Mail,name,audience,department")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert "line 1: unknown column 'e-mail'" in result.stderr
    assert "line 1: missing column 'email'" in result.stderr
    assert "line 1: missing column 'manager_email'" in result.stderr
    assert "line 2" not in result.stderr


def test_excel_csv_with_bom_and_semicolons(runner, session, existing, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffemail;name;audience;department;manager_email\r\n"
                     "jörg@example.com;Jörg Müller, Jr.;temporary;it;boss@example.com\r\n"
                     .encode("utf-8"))
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert ("jörg@example.com", "Jörg Müller, Jr.", "temporary", "it",
            "boss@example.com") in everyone(session)


def test_a_file_that_is_not_utf8(runner, session, existing, write_csv):
    path = write_csv("new@example.com,New,,,", "jose@example.com,José,,,", encoding="latin-1")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert 'line 3: the file is not UTF-8 text (byte 0xe9); save it as "CSV UTF-8"' \
        in result.stderr
    assert everyone(session) == existing


def test_an_empty_file(runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("line 1: the file is empty; the first line must be the "
                                    "header email,name,audience,department,manager_email\n")


def test_managers_without_account_are_created_and_named(runner, session, existing, write_csv):
    path = write_csv("new@example.com,New,,,top.boss@example.com")
    dry = runner.invoke(args=["people", "import", str(path), "--dry-run"])
    assert "note: manager top.boss@example.com is not in the file and had no account; " \
           "would get one" in dry.stderr
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0
    assert "note: manager top.boss@example.com is not in the file and had no account; " \
           "got one" in result.stderr
    assert result.stdout == (f"Imported {path}: created 2, updated 0, unchanged 0 "
                             "(1 created only as managers).\n")
    assert ("top.boss@example.com", "top.boss", "employee", None, None) in everyone(session)


def test_long_imports_show_progress_on_stderr(runner, session, write_csv, monkeypatch):
    monkeypatch.setattr(people_command, "PROGRESS_FROM", 2)
    monkeypatch.setattr(directory, "BATCH", 2)
    path = write_csv(*(f"p{n}@example.com,P {n},,," for n in range(3)))
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["inserting new accounts: 2 of 3",
                                          "inserting new accounts: 3 of 3"]
    assert result.stdout == f"Imported {path}: created 3, updated 0, unchanged 0.\n"


def test_a_failure_while_writing_rolls_everything_back(runner, session, existing, write_csv,
                                                      monkeypatch):
    def broken_update(*_):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(directory, "update", broken_update)
    path = write_csv("new@example.com,New,,,carl@example.com",
                     "carl@example.com,Carl Renamed,,,")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)
    assert everyone(session) == existing  # the new account inserted before the failure is gone
