"""While the database cannot answer, visitors get a clear "temporarily unavailable" page (503).

The outage is simulated by making every new cursor fail as a refused connection does; the
statement timeout is real: another connection locks the practices table and PostgreSQL
cancels the page's query. The load and fault runs against gunicorn are in loadtest/run.py
(docs/operations/load-and-faults.md).
"""

import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import ProgrammingError, connection, transaction
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse
from psycopg_pool import PoolTimeout

from smeplatform import middleware

UNAVAILABLE = "Temporarily unavailable"


@contextmanager
def every_query_fails(make_error):
    """Within the block, every cursor the app asks for raises make_error()'s exception.

    Undone at the end of the block, before the test database is rolled back.
    """

    def cursor(*args, **kwargs):
        raise make_error()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", cursor)
        yield


def refused_connection():
    # What Django raises when psycopg cannot connect: wrapped, with psycopg's error as the cause.
    try:
        raise psycopg.OperationalError("connection failed: Connection refused")
    except psycopg.OperationalError as cause:
        error = OperationalError(*cause.args)
        error.__cause__ = cause
        return error


def database_down():
    return every_query_fails(refused_connection)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert f"<h1>{UNAVAILABLE}</h1>" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.fixture
def client():
    # As a browser sees it: the error page, not the exception re-raised into the test.
    return Client(raise_request_exception=False)


def middleware_records(caplog):
    return [record for record in caplog.records if record.name == "smeplatform.middleware"]


def test_visitor_gets_unavailable_page_when_the_database_is_down(db, client, caplog):
    with database_down():
        response = client.get(reverse("home"))

    assert_unavailable_page(response)
    # Security headers still apply to the error page.
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response
    # One line per request during an outage, not a traceback each.
    [record] = middleware_records(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "Connection refused" in record.getMessage()


def test_unavailable_page_speaks_the_language_of_the_address(db, client):
    with database_down():
        response = client.get("/fr/practices/")

    assert response.status_code == 503
    assert '<html lang="fr">' in response.content.decode()
    assert '<a href="/fr/">' in response.content.decode()


def test_signed_in_user_gets_unavailable_page_when_the_session_cannot_be_read(client, contributor_a):
    # The first query is the session's, in a middleware before any view: handler500's path.
    client.force_login(contributor_a)
    with database_down():
        response = client.get(reverse("countries:workspace", args=["KE"]))

    assert_unavailable_page(response)


def test_pool_timeout_gives_unavailable_page(db, client):
    with every_query_fails(lambda: PoolTimeout("couldn't get a connection after 10.00 sec")):
        response = client.get(reverse("practices:browse"))

    assert_unavailable_page(response)


def test_other_database_errors_stay_server_errors(db, client):
    # A bug (bad SQL) is not an outage: the 500 page, no Retry-After.
    with every_query_fails(lambda: ProgrammingError("column does not exist")):
        response = client.get(reverse("home"))

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert UNAVAILABLE not in response.content.decode()


def test_healthz_reports_the_database(db, client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")

    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"database unavailable"
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def short_grace(monkeypatch):
    monkeypatch.setattr(middleware, "RECONNECT_GRACE_SECONDS", 0.5)
    monkeypatch.setattr(middleware, "RECONNECT_RETRY_SECONDS", 0.05)


@contextmanager
def connecting_fails(times=None):
    """Connection attempts fail `times` times (every time with None), then connect as usual."""
    attempts = []
    connect = connection.ensure_connection

    def ensure_connection():
        attempts.append(time.monotonic())
        if times is None or len(attempts) <= times:
            raise refused_connection()
        return connect()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "ensure_connection", ensure_connection)
        yield attempts


def test_a_short_restart_is_waited_out(db, client, short_grace):
    with connecting_fails(times=3) as attempts:
        response = client.get(reverse("home"))

    # Three refused attempts, retried, then the page itself (whose queries connect as usual).
    assert response.status_code == 200
    assert attempts[3] - attempts[0] >= 3 * middleware.RECONNECT_RETRY_SECONDS


def test_a_long_outage_answers_at_once_after_the_grace_period(db, client, short_grace):
    with connecting_fails() as attempts:
        started = time.monotonic()
        first = client.get(reverse("home"))
        waited = time.monotonic() - started
        tried_first = len(attempts)
        second = client.get(reverse("practices:browse"))

    assert_unavailable_page(first)
    assert waited >= 0.5 and tried_first > 2
    # Down for longer than the grace period: one attempt, no waiting, the page at once.
    assert_unavailable_page(second)
    assert len(attempts) == tried_first + 1
    # Back: the next request is served.
    assert client.get(reverse("home")).status_code == 200


def test_healthz_does_not_wait_for_the_database(db, client, short_grace):
    with connecting_fails() as attempts:
        response = client.get("/healthz")

    assert (response.status_code, response.content) == (503, b"database unavailable")
    assert len(attempts) == 1


def test_query_past_the_statement_timeout_gives_clean_page_and_connection_recovers(db, client, caplog):
    """A real cancellation by PostgreSQL: another session holds a lock the page's query waits for."""
    params = connection.settings_dict
    locker = psycopg.connect(
        dbname=params["NAME"], user=params["USER"], password=params["PASSWORD"], host=params["HOST"], port=params["PORT"] or None
    )
    try:
        locker.execute("SET lock_timeout = '5s'")
        locker.execute("LOCK TABLE practices_practice IN ACCESS EXCLUSIVE MODE")
        # The test runs inside one transaction: a savepoint lets it go on after the cancelled query.
        savepoint = transaction.savepoint_create()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '300ms'")

        response = client.get(reverse("practices:browse"))

        transaction.savepoint_rollback(savepoint)
    finally:
        locker.rollback()
        locker.close()

    assert_unavailable_page(response)
    # A query to look into: logged as an error, with PostgreSQL's cancellation as the cause.
    [record] = middleware_records(caplog)
    assert record.levelname == "ERROR"
    assert isinstance(record.exc_info[1].__cause__, psycopg.errors.QueryCanceled)
    # The same connection serves the next request once the lock is gone.
    assert client.get(reverse("practices:browse")).status_code == 200
