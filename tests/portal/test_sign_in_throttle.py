"""Sign-in throttling: failed passwords counted per account and per address, the right password
refused too once the allowance is used up, an unknown e-mail costing a hash, Redis for hosts."""

from __future__ import annotations

import socket
import time

import pytest
from werkzeug.security import check_password_hash

import catalog.models.users
import catalog.people.accounts

PASSWORD = "correct horse"
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def emma(make_user):
    return make_user(email="emma@example.com", name="Emma", password=PASSWORD)


@pytest.fixture
def olga(make_user):
    return make_user(email="olga@example.com", name="Olga", password=PASSWORD)



def login(client, email="emma@example.com", password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password}, **extra)


def wrong(client, email="emma@example.com", times=1, **extra) -> None:
    for _ in range(times):
        response = login(client, email, "wrong password", **extra)
        assert response.status_code == 200
        assert "E-mail or password is not right." in response.get_data(as_text=True)


def assert_too_many(response, at_most: int = 60) -> int:
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= at_most
    return wait


def test_after_20_wrong_passwords_the_right_one_is_refused_too(client, emma, olga):
    wrong(client, times=19)
    assert login(client).status_code == 302  # 19 are not too many
    client.post("/logout")
    wrong(client)
    assert_too_many(login(client))
    assert_too_many(login(client, email="EMMA@example.com "))  # the same account
    assert client.get("/requests/").status_code == 302
    # Per account: someone else signs in from the same browser and address.
    assert login(client, email="olga@example.com").status_code == 302


def test_the_limit_per_address_counts_every_account(make_app, emma):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    client = app.test_client()
    for number in range(5):
        wrong(client, email=f"guess{number}@example.com")
    assert_too_many(login(client))
    assert_too_many(login(client, email="guess9@example.com"))
    # Another address is not affected.
    other = {"environ_base": {"REMOTE_ADDR": "192.0.2.9"}}
    assert login(app.test_client(), **other).status_code == 302


@pytest.mark.slow
def test_the_right_password_works_again_when_the_window_has_passed(make_app, emma):
    client = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 2 seconds").test_client()
    wrong(client, times=3)
    assert_too_many(login(client), at_most=2)
    time.sleep(2.1)
    assert login(client).status_code == 302


def test_successful_sign_ins_do_not_count(client, emma):
    for _ in range(21):
        assert login(client).status_code == 302
        client.post("/logout")
    wrong(client, times=19)
    assert login(client).status_code == 302


def test_an_unknown_email_costs_the_same_password_hash_as_a_wrong_password(
        client, monkeypatch, session, emma, make_user):
    """Whether an account exists must not show in the time an attempt takes."""
    emma.set_password(PASSWORD)  # the real hash, as in production (the factory's is cheap)
    nobody_with_a_password = make_user(email="sso-only@example.com")
    nobody_with_a_password.password_hash = None
    session.commit()
    methods: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        methods.append(pwhash.split("$", 1)[0])
        return check_password_hash(pwhash, password)

    # Known accounts check through the model, unknown ones in accounts: count both.
    monkeypatch.setattr(catalog.people.accounts, "check_password_hash", counting)
    monkeypatch.setattr(catalog.models.users, "check_password_hash", counting)

    pages = {}
    for email in ("emma@example.com", "nobody@example.com", "sso-only@example.com"):
        methods.clear()
        response = login(client, email, "wrong password")
        assert response.status_code == 200
        pages[email] = response.get_data(as_text=True)
        assert len(methods) == 1, email
        assert methods[0] == emma.password_hash.split("$", 1)[0], email
    assert all("E-mail or password is not right." in page for page in pages.values())


# Several hosts: one count in Redis


@pytest.fixture
def redis_db():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    connection = redis.Redis(host="127.0.0.1", port=6379, db=15)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_hosts_share_the_count_through_redis(make_app, redis_db, emma):
    host_a = make_app(RATELIMIT_STORAGE_URL=REDIS_URL).test_client()
    wrong(host_a, times=10)
    assert redis_db.keys("*"), "the failures are counted in Redis"
    # A second host starts (and the process's limiter with it): the count lives on.
    host_b = make_app(RATELIMIT_STORAGE_URL=REDIS_URL).test_client()
    wrong(host_b, times=10)
    assert_too_many(login(host_a))
    assert_too_many(login(host_b))


def test_without_redis_a_new_host_starts_counting_afresh(make_app, emma):
    """The contrast: memory counts belong to one process, so they do not add up."""
    host_a = make_app().test_client()
    wrong(host_a, times=10)
    host_b = make_app().test_client()
    wrong(host_b, times=10)
    assert login(host_a).status_code == 302
