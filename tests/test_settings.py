"""Configuration: runs with none, refuses to start in production without a real secret and hosts."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from smeplatform.settings import database_from_url

SAFE_KEY = "k" * 50


def start(**env):
    """Import the settings in a fresh interpreter with only `env` set; return (exit code, stderr)."""
    clean = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "smeplatform.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def test_fresh_checkout_runs_with_no_configuration():
    code, output = start()
    assert code == 0, output
    assert output.strip() == "True"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "sme.example.org"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "sme.example.org", "SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": SAFE_KEY}, "ALLOWED_HOSTS must list"),
        ({"DEBUG": "perhaps"}, "DEBUG must be true or false"),
        ({"DATABASE_STATEMENT_TIMEOUT_MS": "soon"}, "DATABASE_STATEMENT_TIMEOUT_MS must be a whole number"),
        ({"DATABASE_URL": "mysql://db/sme"}, "DATABASE_URL must start with postgres"),
    ],
)
def test_production_refuses_to_start_with_unsafe_or_malformed_settings(env, message):
    code, output = start(**env)
    assert code != 0
    assert "ImproperlyConfigured" in output and message in output


def test_production_starts_with_a_real_secret_and_hosts():
    code, output = start(DEBUG="false", SECRET_KEY=SAFE_KEY, ALLOWED_HOSTS="sme.example.org")
    assert code == 0, output
    assert output.strip() == "False"


def test_database_url_gives_pooled_postgres_with_statement_timeout():
    config = database_from_url("postgres://sme:s%40cret@db.internal:5433/sme", pool=True, statement_timeout_ms=25000)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "sme", "sme", "s@cret", "db.internal", "5433"
    )
    assert config["OPTIONS"]["options"] == "-c statement_timeout=25000"
    assert config["OPTIONS"]["pool"]["check"] is not None
    unpooled = database_from_url("postgres://db/sme", pool=False, statement_timeout_ms=1000)
    assert "pool" not in unpooled["OPTIONS"] and unpooled["CONN_HEALTH_CHECKS"] is True


def test_database_url_without_a_name_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://db.internal/", pool=True, statement_timeout_ms=1000)


def test_statement_timeout_is_below_the_gunicorn_worker_timeout():
    from gunicorn_conf import timeout

    assert int(settings.DATABASES["default"]["OPTIONS"].get("options", "-c statement_timeout=0").rsplit("=", 1)[1]) < timeout * 1000


def test_tests_run_on_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", (
        "The suite runs against PostgreSQL: set DATABASE_URL (bin/test does)."
    )


def test_production_static_files_are_compressed_with_hashed_names(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "smeplatform.settings",
        "DEBUG": "false",
        "SECRET_KEY": SAFE_KEY,
        "ALLOWED_HOSTS": "sme.example.org",
    }
    script = (
        "import django; django.setup(); from django.conf import settings; "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "from django.core.management import call_command; call_command('collectstatic', '--no-input', verbosity=0)"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    css = list((tmp_path / "css").glob("site.*.css"))
    assert css, "no hashed stylesheet"
    assert list((tmp_path / "css").glob("site.*.css.gz")) and list((tmp_path / "css").glob("site.*.css.br"))
