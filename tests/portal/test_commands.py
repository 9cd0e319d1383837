"""The CLI of DESIGN.md: users, tokens, import/export, demo data."""

from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import func, select

from catalog.demo.searches import SEARCHES
from catalog.models import Department, Offering, SearchLogEntry, User
from catalog.search_log import department_searches
from tests.catalog.test_catalog_file import GOOD


def test_users_create_then_update(runner, session, make_department):
    make_department(slug="it", code="IT")
    result = runner.invoke(args=["users", "create", "Bob@Example.com", "--name", "Bob",
                                 "--password", "pw-123456", "--audience", "contractor",
                                 "--agent", "it"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "bob@example.com", "--name", "Robert",
                                 "--admin", "--owner", "it"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    bob = session.scalar(select(User).where(User.email == "bob@example.com"))
    assert bob.name == "Robert" and bob.is_admin and bob.check_password("pw-123456")
    roles = session.scalar(select(Department)).roles
    assert sorted(r.role for r in roles) == ["agent", "owner"]


def test_users_create_refuses_unknown_department(runner):
    result = runner.invoke(args=["users", "create", "x@example.com", "--name", "X",
                                 "--owner", "nope"])
    assert result.exit_code != 0 and "no department 'nope'" in result.output + result.stderr


def test_users_token_prints_only_the_token(runner, make_user, client):
    make_user(email="script@example.com")
    result = runner.invoke(args=["users", "token", "script@example.com"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert token.startswith("sp_") and "\n" not in token
    assert "Bearer" in result.stderr


def test_import_dry_run_then_real_then_export(runner, session, tmp_path):
    catalog_file = tmp_path / "catalog.yaml"
    catalog_file.write_text(yaml.safe_dump(GOOD))
    result = runner.invoke(args=["import", str(catalog_file), "--dry-run"])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert session.scalar(select(func.count(Department.id))) == 0
    result = runner.invoke(args=["import", str(catalog_file)])
    assert result.exit_code == 0 and "2 created" in result.output
    out = tmp_path / "out.yaml"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    assert yaml.safe_load(out.read_text())["departments"][0]["slug"] == "it"
    stdout_export = runner.invoke(args=["export"]).stdout
    assert stdout_export == out.read_text()


def test_import_with_errors_lists_them_and_writes_nothing(runner, session, tmp_path):
    bad = copy.deepcopy(GOOD)
    bad["departments"][0]["offerings"][0]["form"][0]["type"] = "colour"
    catalog_file = tmp_path / "bad.yaml"
    catalog_file.write_text(yaml.safe_dump(bad))
    result = runner.invoke(args=["import", str(catalog_file)])
    assert result.exit_code != 0
    assert "departments[0].offerings[0].form[0].type" in result.stderr
    assert session.scalar(select(func.count(Department.id))) == 0


@pytest.mark.slow
def test_demo_data_is_idempotent_and_big_enough(runner, session):
    for _ in range(2):
        assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert session.scalar(select(func.count(Department.id))) >= 6
    assert session.scalar(select(func.count(Offering.id))) >= 35
    languages = set(session.scalars(select(Offering.language)))
    assert languages == {"en", "de"}
    types = {field["type"] for form in session.scalars(select(Offering.form)) for field in form}
    assert types == {"text", "textarea", "email", "number", "date", "select", "multiselect",
                     "checkbox", "file"}
    audiences = {user.audience for user in session.scalars(select(User))}
    assert audiences == {"employee", "temporary", "contractor", "shareholder"}
    # Every department's owners find searches to act on; run twice, they are logged once.
    for department in session.scalars(select(Department)):
        gaps = department_searches(session, department)
        assert gaps, department.slug
    assert session.scalar(select(func.count(SearchLogEntry.id))) == sum(
        times for _query, _language, times, _opened in SEARCHES)
    it = session.scalar(select(Department).where(Department.slug == "it"))
    assert any(gap.found_nothing for gap in department_searches(session, it))
    assert session.scalar(select(func.count(SearchLogEntry.opened_offering_id))) > 0


def test_catalog_empty_before_init_db_says_what_to_do(make_app, tmp_path):
    empty = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'nothing-yet.sqlite3'}")
    result = empty.test_cli_runner().invoke(args=["catalog-empty"])
    assert result.exit_code == 1
    assert "run `flask --app portal init-db` first" in result.output
    assert "Traceback" not in result.output


def test_users_create_a_second_time_changes_only_what_it_is_told(runner, session):
    def create(*options: str) -> None:
        result = runner.invoke(args=["users", "create", "carla@example.com", *options])
        assert result.exit_code == 0, result.output

    create("--name", "Carla", "--audience", "contractor", "--admin")
    create("--name", "Carla Conti")  # a new name; audience and admin rights stay
    from catalog.people.accounts import find_user
    carla = find_user(session, "carla@example.com")
    assert (carla.name, carla.audience, carla.is_admin) == ("Carla Conti", "contractor", True)
    create("--name", "Carla Conti", "--no-admin")
    session.refresh(carla)
    assert (carla.audience, carla.is_admin) == ("contractor", False)
