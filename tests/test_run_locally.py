"""What a newcomer meets with bin/run (DEBUG on): the platform's own page not found, each log line once."""

import logging
import logging.config

import pytest
from django.conf import settings as django_settings


@pytest.mark.parametrize(
    "path",
    ["/en/no-such-page/", "/fr/practices/999999/", "/es/workspace/KE/practices/999999/", "/no-such-page/"],
    ids=["no address", "no practice", "no workspace practice", "no language"],
)
def test_with_debug_on_a_page_not_found_is_the_platforms_own(client, db, settings, focal_a, path):
    settings.DEBUG = True
    client.force_login(focal_a)
    response = client.get(path, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html or "Page introuvable" in html or "Página no encontrada" in html
    assert "Using the URLconf" not in html and "urlpatterns" not in html  # Django's technical page lists every address
    assert '<a class="skip-link"' in html  # the platform's layout


def test_with_debug_on_an_address_without_its_slash_is_still_redirected(client, db, settings):
    settings.DEBUG = True
    response = client.get("/en/practices")
    assert response.status_code == 301 and response["Location"] == "/en/practices/"


def test_each_log_line_is_printed_once_with_debug_on(settings):
    settings.DEBUG = True
    logging.config.dictConfig(django_settings.LOGGING)
    try:
        printing = []
        logger = logging.getLogger("django.tasks")
        while logger is not None:
            printing += [handler for handler in logger.handlers if type(handler) is logging.StreamHandler]
            logger = logger.parent if logger.propagate else None
        assert len(printing) == 1
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
