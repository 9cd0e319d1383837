"""Accounts from single sign-on: claims make or update the account, groups map to audience and
roles; what earlier sign-ins gave is replaced, what an admin gave by hand stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.errors import ValidationError
from catalog.models import DepartmentRole, User
from catalog.people import accounts
from catalog.people.sso import SignInRefused, SsoSettings, parse_group_roles, sign_in_from_claims
from tests import factories

SETTINGS = SsoSettings(group_roles=parse_group_roles({
    "staff": "audience:employee",
    "temps": "audience:temporary",
    "contractors": "audience:contractor",
    "it-leads": ["owner:it", "agent:hr"],
    "it-desk": "agent:it",
    "portal-admins": "admin",
}))


@pytest.fixture
def it(session):
    department = factories.make_department(session, slug="it", code="IT", name="IT Services")
    session.commit()
    return department


@pytest.fixture
def hr(session):
    department = factories.make_department(session, slug="hr", code="HR", name="Human Resources")
    session.commit()
    return department


def claims(sub: str = "olivia-1", email: str | None = "olivia@example.com", **more):
    values = {"sub": sub, "name": "Olivia Other", **more}
    if email is not None:
        values["email"] = email
    return values


def sign_in(session, settings: SsoSettings = SETTINGS, **values) -> User:
    user = sign_in_from_claims(session, claims(**values), settings)
    session.commit()
    return user


def roles_of(session, user: User) -> set[str]:
    session.expire_all()
    return {f"{r.role}:{r.department.slug}" for r in session.scalars(
        select(DepartmentRole).where(DepartmentRole.user_id == user.id))}


def test_first_sign_in_creates_the_account_with_audience_and_roles(session, it, hr):
    user = sign_in(session, email="Olivia@Example.com", groups=["temps", "it-leads"])
    stored = session.scalar(select(User).where(User.sso_subject == "olivia-1"))
    assert stored.id == user.id
    assert (stored.email, stored.name, stored.audience) == \
        ("olivia@example.com", "Olivia Other", "temporary")
    assert stored.password_hash is None and stored.active and not stored.is_admin
    assert roles_of(session, stored) == {"owner:it", "agent:hr"}


def test_several_groups_give_the_widest_audience_and_every_role(session, it, hr):
    user = sign_in(session, groups=["contractors", "temps", "it-leads", "it-desk"])
    assert user.audience == "temporary"
    assert roles_of(session, user) == {"owner:it", "agent:it", "agent:hr"}
    user = sign_in(session, groups=["contractors", "staff"])
    assert user.audience == "employee"


def test_a_single_group_as_a_string(session, it):
    assert roles_of(session, sign_in(session, groups="it-desk")) == {"agent:it"}


def test_leaving_a_group_takes_the_role_away_but_not_a_role_given_by_hand(session, it, hr):
    olivia = factories.make_user(session, email="olivia@example.com")
    accounts.grant_role(session, hr, olivia, "agent")  # by an admin, before any sign-in
    session.commit()

    sign_in(session, groups=["it-leads"])
    assert roles_of(session, olivia) == {"owner:it", "agent:hr"}

    sign_in(session, groups=["it-desk"])
    assert roles_of(session, olivia) == {"agent:it", "agent:hr"}

    sign_in(session, groups=[])
    assert roles_of(session, olivia) == {"agent:hr"}


def test_a_role_given_by_groups_comes_back_with_the_group(session, it, hr):
    user = sign_in(session, groups=["it-desk"])
    sign_in(session, groups=["staff"])
    assert roles_of(session, user) == set()
    sign_in(session, groups=["it-desk"])
    assert roles_of(session, user) == {"agent:it"}


def test_admin_is_given_and_taken_away_but_a_hand_made_admin_stays(session):
    user = sign_in(session, groups=["portal-admins"])
    assert user.is_admin
    user = sign_in(session, groups=["staff"])
    assert not user.is_admin

    ada = factories.make_user(session, email="ada@example.com", is_admin=True)
    session.commit()
    sign_in(session, sub="ada-1", email="ada@example.com", groups=["portal-admins"])
    sign_in(session, sub="ada-1", email="ada@example.com", groups=["staff"])
    session.refresh(ada)
    assert ada.is_admin


def test_a_role_in_a_department_that_does_not_exist_yet_comes_when_it_does(session):
    user = sign_in(session, groups=["it-desk"])
    assert roles_of(session, user) == set()
    factories.make_department(session, slug="it", code="IT")
    session.commit()
    sign_in(session, groups=["it-desk"])
    assert roles_of(session, user) == {"agent:it"}


def test_no_mapped_group_means_the_default_audience_and_no_roles(session, it):
    settings = SsoSettings(group_roles=SETTINGS.group_roles, default_audience="contractor")
    user = sign_in(session, settings, groups=["football-club"])
    assert user.audience == "contractor" and not user.is_admin
    assert roles_of(session, user) == set()
    # An existing account whose groups stop mapping an audience falls back too.
    sign_in(session, settings, groups=["staff"])
    assert sign_in(session, settings, groups=["football-club"]).audience == "contractor"


def test_without_a_groups_claim_the_audience_from_the_people_directory_stays(session):
    settings = SsoSettings(group_roles=SETTINGS.group_roles, default_audience="contractor")
    olivia = factories.make_user(session, email="olivia@example.com", audience="shareholder")
    session.commit()
    assert sign_in(session, settings).audience == "shareholder"
    assert olivia.id == sign_in(session, settings).id
    # A new account without a groups claim gets the default.
    assert sign_in(session, settings, sub="new-1", email="new@example.com").audience == \
        "contractor"


def test_a_sign_in_without_a_groups_claim_keeps_the_roles_earlier_ones_gave(session, it, hr):
    """Entra ID leaves the claim out for people in very many groups ("overage")."""
    user = sign_in(session, groups=["staff", "it-leads", "portal-admins"])
    assert roles_of(session, user) == {"owner:it", "agent:hr"} and user.is_admin
    user = sign_in(session)  # no groups claim at all
    assert roles_of(session, user) == {"owner:it", "agent:hr"} and user.is_admin
    assert user.audience == "employee"
    user = sign_in(session, groups=[])  # a claim that names no groups: they are gone
    assert roles_of(session, user) == set() and not user.is_admin


@pytest.mark.parametrize(("values", "email"), [
    ({"preferred_username": "Olivia.Other@Example.com"}, "olivia.other@example.com"),
    ({"upn": "olivia@corp.example.com"}, "olivia@corp.example.com"),
    ({"preferred_username": "olivia", "upn": "o@example.com"}, "o@example.com"),
])
def test_the_email_from_entra_ids_other_claims(session, values, email):
    assert sign_in(session, email=None, **values).email == email


@pytest.mark.parametrize("values", [
    {"email": None},
    {"email": None, "preferred_username": "olivia"},
    {"email": "not an address"},
    {"sub": ""},
])
def test_no_email_or_no_subject_is_refused(session, values):
    with pytest.raises(SignInRefused):
        sign_in_from_claims(session, claims(**values), SETTINGS)
    session.rollback()
    assert session.scalars(select(User)).all() == []


def test_a_deactivated_account_is_refused(session):
    user = sign_in(session)
    user.active = False
    session.commit()
    with pytest.raises(SignInRefused, match="deactivated"):
        sign_in_from_claims(session, claims(), SETTINGS)


def test_a_deactivated_account_is_refused_on_first_sign_in_too(session):
    factories.make_user(session, email="olivia@example.com").active = False
    session.commit()
    with pytest.raises(SignInRefused, match="deactivated"):
        sign_in_from_claims(session, claims(), SETTINGS)


def test_the_same_subject_with_a_new_email_keeps_the_account(session):
    user = sign_in(session)
    moved = sign_in(session, email="olivia.other@example.com")
    assert moved.id == user.id and moved.email == "olivia.other@example.com"
    assert accounts.find_user(session, "olivia@example.com") is None


def test_a_new_email_that_another_account_has_is_not_taken(session):
    user = sign_in(session)
    factories.make_user(session, email="taken@example.com")
    session.commit()
    assert sign_in(session, email="taken@example.com").id == user.id
    assert user.email == "olivia@example.com"


def test_an_account_linked_to_another_subject_is_refused(session):
    sign_in(session)
    with pytest.raises(SignInRefused, match="another sign-in"):
        sign_in_from_claims(session, claims(sub="someone-else"), SETTINGS)


def test_an_existing_password_account_is_taken_over_on_first_sign_in(session):
    olivia = factories.make_user(session, email="olivia@example.com")
    session.commit()
    assert sign_in(session).id == olivia.id and olivia.sso_subject == "olivia-1"


def test_an_unverified_email_does_not_take_over_an_existing_account(session):
    """A provider that says the address is not verified (a user may have typed anyone's)."""
    admin = factories.make_user(session, email="admin@example.com", is_admin=True)
    session.commit()
    with pytest.raises(SignInRefused):
        sign_in_from_claims(session, claims(sub="mallory", email="admin@example.com",
                                            email_verified=False), SETTINGS)
    session.rollback()
    session.refresh(admin)
    assert admin.sso_subject is None


@pytest.mark.parametrize("department", ["it", "IT", "IT Services", " it services "])
def test_the_department_claim_names_a_slug_or_a_name(session, it, department):
    assert sign_in(session, department=department).department_id == it.id


def test_an_unknown_department_changes_nothing(session, it):
    sign_in(session, department="it")
    assert sign_in(session, department="Marketing").department_id == it.id


def test_the_manager_claim_makes_or_links_the_manager(session):
    user = sign_in(session, manager_email="Max@Example.com")
    max_ = accounts.find_user(session, "max@example.com")
    assert max_ is not None and user.manager_id == max_.id and max_.password_hash is None
    mia = factories.make_user(session, email="mia@example.com", name="Mia Manager")
    session.commit()
    assert sign_in(session, manager_email="mia@example.com").manager_id == mia.id
    assert sign_in(session, manager_email="olivia@example.com").manager_id == mia.id  # not self


def test_the_locale_claim_sets_the_language_only_when_none_is_chosen(session):
    assert sign_in(session, locale="de-DE").locale == "de"
    chosen = sign_in(session, sub="e-1", email="e@example.com", locale="fr-FR")
    assert chosen.locale is None  # not a language of the portal
    chosen.locale = "en"
    session.commit()
    assert sign_in(session, sub="e-1", email="e@example.com", locale="de-DE").locale == "en"


def test_group_roles_from_json_text():
    assert parse_group_roles('{"staff": "audience:employee", "leads": ["owner:it", "admin"]}') \
        == {"staff": ("audience:employee",), "leads": ("owner:it", "admin")}
    assert parse_group_roles("") == {} and parse_group_roles(None) == {}


@pytest.mark.parametrize(("value", "names"), [
    ('{"staff": ', "JSON"),
    ("[1, 2]", "must map"),
    (["staff"], "must map"),
    ({"it-leads": "owner"}, "it-leads"),
    ({"it-leads": ["agent:it", "owner"]}, "it-leads"),
    ({"robots": "audience:robots"}, "robots"),
    ({"boss": "superuser"}, "boss"),
    ({"boss": 7}, "boss"),
    ({"boss": ["admin", None]}, "boss"),
])
def test_group_roles_with_a_mistake_are_refused_naming_the_group(value, names):
    with pytest.raises(ValidationError) as refused:
        parse_group_roles(value)
    assert names in refused.value.message
