"""The people directory import (CSV): every problem with its line, all or nothing, idempotent."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select, update

from catalog.models import DepartmentAlias, User
from catalog.people import directory
from catalog.people.directory import DirectoryError, import_directory

HEADER = "email,name,audience,department,manager_email"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def user(session, email):
    return session.scalar(select(User).where(User.email == email))


def user_count(session):
    return session.scalar(select(func.count(User.id)))


def problems_of(session, source):
    with pytest.raises(DirectoryError) as raised:
        import_directory(source, session)
    session.rollback()
    return raised.value.lines()


@pytest.fixture
def departments(make_department):
    return {slug: make_department(slug=slug, code=slug.upper())
            for slug in ("it", "hr", "finance")}


def test_creates_accounts_without_password_with_department_and_manager(session, departments):
    report = import_directory(csv_text(
        "Ann@Example.com,Ann Example,,it,boss@example.com",  # the manager comes later
        "boss@example.com,Bea Boss,contractor,,",
    ), session)
    session.commit()
    assert str(report) == "created 2, updated 0, unchanged 0"
    ann, boss = user(session, "ann@example.com"), user(session, "boss@example.com")
    assert (ann.name, ann.audience, ann.department.slug, ann.manager) == (
        "Ann Example", "employee", "it", boss)
    assert (boss.audience, boss.department, boss.manager) == ("contractor", None, None)
    assert ann.password_hash is None and boss.password_hash is None
    assert not ann.check_password("") and ann.active and not ann.is_admin


def test_updates_name_audience_department_and_manager(session, departments, make_user):
    old_boss, new_boss = make_user(email="old@example.com"), make_user(email="new@example.com")
    carl = make_user(email="carl@example.com", name="Carl", audience="temporary")
    carl.department, carl.manager = departments["hr"], old_boss
    session.commit()
    report = import_directory(
        csv_text("CARL@example.com,Carl Changed,contractor,finance,new@example.com"), session)
    session.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    # the object this session had loaded shows the new values, too
    assert (carl.name, carl.audience, carl.department.slug, carl.manager) == (
        "Carl Changed", "contractor", "finance", new_boss)
    assert carl.password_hash is not None  # a password set earlier stays


def test_empty_audience_keeps_it_empty_department_and_manager_clear_them(
        session, departments, make_user):
    boss = make_user(email="boss@example.com")
    dora = make_user(email="dora@example.com", name="Dora", audience="shareholder")
    dora.department, dora.manager = departments["it"], boss
    session.commit()
    import_directory(csv_text("dora@example.com,Dora,,,"), session)
    session.commit()
    assert (dora.audience, dora.department, dora.manager) == ("shareholder", None, None)


def test_second_run_changes_nothing_and_says_so(session, departments, make_user):
    make_user(email="old@example.com", name="Old")
    text = csv_text("a@example.com,Ann,,it,b@example.com", "b@example.com,Bob,,,",
                    "old@example.com,Old,,hr,a@example.com")
    first = import_directory(text, session)
    session.commit()
    assert (first.created, first.updated, first.unchanged) == (2, 1, 0)
    again = import_directory(text, session)
    assert (again.created, again.updated, again.unchanged, again.changed) == (0, 0, 3, False)
    assert str(again) == "created 0, updated 0, unchanged 3"


def test_dry_run_reports_what_it_would_do_and_writes_nothing(session, departments, make_user):
    make_user(email="old@example.com", name="Old")
    report = import_directory(csv_text("a@example.com,Ann,,it,", "old@example.com,New,,,"),
                              session, dry_run=True)
    session.commit()
    assert str(report) == "would create 1, update 1, leave 0 unchanged"
    assert user_count(session) == 1 and user(session, "old@example.com").name == "Old"


def test_a_manager_without_account_or_row_gets_an_account(session, departments):
    report = import_directory(csv_text("a@example.com,Ann,,,big.boss@example.com"), session)
    session.commit()
    assert report.managers_created == ["big.boss@example.com"]
    assert str(report) == "created 2, updated 0, unchanged 0 (1 created only as managers)"
    boss = user(session, "big.boss@example.com")
    assert (boss.name, boss.audience, boss.password_hash) == ("big.boss", "employee", None)
    assert user(session, "a@example.com").manager == boss
    again = import_directory(csv_text("a@example.com,Ann,,,big.boss@example.com"), session)
    assert (again.created, again.unchanged, again.managers_created) == (0, 1, [])


def test_an_error_on_line_7_writes_nothing(session, departments, make_user):
    make_user(email="keep@example.com", name="Kept Name", audience="temporary")
    rows = [f"p{n}@example.com,Person {n},,it," for n in range(2, 7)]
    text = csv_text(*rows, "keep@example.com,Changed,chef,,")
    assert problems_of(session, text) == [
        "line 7: unknown audience 'chef'; one of employee, temporary, contractor, shareholder, "
        "or empty"]
    assert user_count(session) == 1
    kept = user(session, "keep@example.com")
    assert (kept.name, kept.audience) == ("Kept Name", "temporary")


def test_every_problem_is_reported_not_only_the_first(session, departments):
    lines = problems_of(session, csv_text(
        "bad-address,Ann,,,",
        "b@example.com,,,,",
        "c@example.com,Cid,chef,nowhere,",
        "b@example.com,Bob,,,",
        "d@example.com,Dan,,",
    ))
    assert [line.split(":")[0] for line in lines] == [
        "line 2", "line 3", "line 4", "line 4", "line 5", "line 6"]


HEADER_CASES = [
    ("email,name,audience,department", "line 1: missing column 'manager_email'"),
    (HEADER + ",phone", "line 1: unknown column 'phone'; the columns are email, name, "
                        "audience, department, manager_email"),
    (HEADER + ",", "line 1: column 6 has no name"),
    (HEADER + ",email", "line 1: column 'email' appears twice"),
]


@pytest.mark.parametrize(("header", "expected"), HEADER_CASES)
def test_header_problems(session, departments, header, expected):
    lines = problems_of(session, csv_text("a@example.com,Ann,,,", header=header))
    assert any(line.startswith(expected) for line in lines), lines


ROW_CASES = [
    ("not-an-email,Ann,,,", "line 2: 'not-an-email' is not a valid e-mail address"),
    (",Ann,,,", "line 2: the e-mail is empty"),
    ("a@example.com,,,,", "line 2: the name is empty"),
    ("a@example.com," + "x" * 201 + ",,,", "line 2: the name is longer than 200 characters"),
    ('a@example.com,"Ann\nLine",,,', "line 2: the name contains a line break"),
    ("a@example.com,Ann,staff,,", "line 2: unknown audience 'staff'; one of employee, "
                                  "temporary, contractor, shareholder, or empty"),
    ("a@example.com,Ann,,finanse,", "line 2: unknown department 'finanse'; "
                                    "did you mean 'finance'?"),
    ("a@example.com,Ann,,marketing,", "line 2: unknown department 'marketing'"),
    ("a@example.com,Ann,,,boss-at-example",
     "line 2: manager_email 'boss-at-example' is not a valid e-mail address"),
    ("a@example.com,Ann,,,A@EXAMPLE.COM", "line 2: a@example.com cannot be their own manager"),
    ("a@example.com,Ann,,,\nA@example.com ,Ann,,,",
     "line 3: a@example.com appears twice (first on line 2)"),
    ("a@example.com,Ann,,,b@example.com\nb@example.com,Bob,,,a@example.com",
     "line 2: manager cycle: a@example.com -> b@example.com -> a@example.com (lines 2, 3)"),
    ("a@example.com,Ann,,it", "line 2: 4 cells, expected 5 (one for each column of the header)"),
    ("a@example.com,Ann,,it,,", "line 2: 6 cells, expected 5"),
    ('a@example.com,"' + "x" * 200_000 + '",,,', "line 2: not valid CSV (field larger than"),
]


@pytest.mark.parametrize(("row", "expected"), ROW_CASES)
def test_row_problems(session, departments, row, expected):
    lines = problems_of(session, csv_text(row))
    assert any(line.startswith(expected) for line in lines), lines
    assert user_count(session) == 0


def test_a_cycle_through_a_manager_the_database_keeps(session, make_user):
    boss, worker = make_user(email="boss@example.com"), make_user(email="worker@example.com")
    boss.manager = worker
    session.commit()
    assert problems_of(session, csv_text("worker@example.com,Worker,,,boss@example.com")) == [
        "line 2: manager cycle: worker@example.com -> boss@example.com -> worker@example.com "
        "(lines 2)"]


def test_a_long_cycle_is_shortened_and_reported_once(session):
    rows = [f"p{n}@example.com,P {n},,,p{(n + 1) % 12}@example.com" for n in range(12)]
    assert problems_of(session, csv_text(*rows)) == [
        "line 2: manager cycle: " + " -> ".join(f"p{n}@example.com" for n in range(10))
        + " -> … (lines " + ", ".join(str(line) for line in range(2, 14)) + ")"]


def test_a_cycle_the_database_already_had_does_not_block_the_file(session, make_user):
    a, b = make_user(email="a@example.com"), make_user(email="b@example.com")
    for one, other in ((a, b), (b, a)):  # bad data from elsewhere; the ORM would refuse it
        session.execute(update(User).where(User.id == one.id).values(manager_id=other.id))
    session.commit()
    report = import_directory(csv_text("c@example.com,Cid,,,a@example.com"), session)
    assert report.created == 1


def test_a_file_that_is_not_utf8_names_the_line(session):
    data = (csv_text("a@example.com,Ann,,,") + "b@example.com,Jos\xe9,,,\n").encode("latin-1")
    assert problems_of(session, data) == [
        "line 3: the file is not UTF-8 text (byte 0xe9); save it as \"CSV UTF-8\""]


@pytest.mark.parametrize("source", [b"", "", "\ufeff", b"\xef\xbb\xbf", "  \n\n"])
def test_an_empty_file(session, source):
    assert problems_of(session, source) == [
        "line 1: the file is empty; the first line must be the header "
        "email,name,audience,department,manager_email"]


def test_a_header_alone_changes_nothing(session):
    report = import_directory(HEADER + "\n", session)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)


def test_excel_file_with_bom_semicolons_and_crlf(session, departments):
    text = "\r\n".join(["\ufeffEmail;Name;Audience;Department;Manager_Email",
                        "a@example.com;Doe, Ann;Temporary;IT;", "", ";;;;", ""])
    report = import_directory(text.encode("utf-8"), session)
    session.commit()
    assert report.created == 1
    ann = user(session, "a@example.com")
    assert (ann.name, ann.audience, ann.department.slug) == ("Doe, Ann", "temporary", "it")


@pytest.mark.parametrize("wrap", [io.StringIO, lambda text: io.BytesIO(text.encode())])
def test_reads_text_and_byte_streams(session, wrap):
    report = import_directory(wrap(csv_text("a@example.com,Ann,,,")), session)
    assert report.created == 1 and user(session, "a@example.com").name == "Ann"


def test_old_mac_line_ends(session):
    assert problems_of(session, "\r".join([HEADER, "a@example.com,Ann,,,", "bad,Bob,,,"])) == [
        "line 3: 'bad' is not a valid e-mail address"]


def test_commas_stay_the_delimiter_when_cells_hold_semicolons(session, departments):
    import_directory(csv_text('a@example.com,"Ann; the second",,,'), session)
    assert user(session, "a@example.com").name == "Ann; the second"


def test_columns_in_any_order_and_a_former_department_slug(session, departments):
    session.add(DepartmentAlias(slug="it-services", department=departments["it"]))
    session.commit()
    import_directory(csv_text("it-services,,a@example.com,Ann,",
                              header="department,manager_email,email,name,audience"), session)
    assert user(session, "a@example.com").department.slug == "it"


def test_a_quoted_line_break_counts_towards_the_line_numbers(session):
    lines = problems_of(session, csv_text('a@example.com,"Ann\nB",,,', "bad,Bob,,,"))
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 4"]


def test_the_number_of_queries_does_not_grow_with_the_rows(session, departments,
                                                           count_queries):
    def queries_for(rows: int, start: int) -> int:
        text = csv_text(*(f"p{n}@example.com,P {n},,it,p{start}@example.com"
                          for n in range(start + 1, start + rows + 1)))
        with count_queries() as counted:
            import_directory(text, session)
        session.commit()
        return counted.n

    assert queries_for(300, 1000) == queries_for(5, 0)


def test_large_imports_write_in_batches_and_report_progress(session, departments,
                                                            monkeypatch):
    monkeypatch.setattr(directory, "BATCH", 2)
    seen = []
    import_directory(csv_text(*(f"p{n}@example.com,P {n},,,p0@example.com"
                                for n in range(1, 6))), session,
                     progress=lambda *step: seen.append(step))
    assert seen[:3] == [("inserting new accounts", 2, 6), ("inserting new accounts", 4, 6),
                        ("inserting new accounts", 6, 6)]
    assert seen[3:] == [("updating accounts and managers", 2, 5),
                        ("updating accounts and managers", 4, 5),
                        ("updating accounts and managers", 5, 5)]
    session.commit()
    assert {u.manager.email for u in session.scalars(select(User)) if u.manager} == {
        "p0@example.com"}
