"""Translations of a practice: one more reviewed record, through the same workflow (practices.services)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from practices import services
from practices.models import PracticeTranslation, ReviewEvent
from practices.models import Practice
from tests.factories import publish_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    return publish_practice(country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", summary="Guarantees for SME loans.")


FRENCH = {"title": "Fonds de garantie de crédit aux PME", "summary": "Des garanties pour les prêts aux PME.", "description": "Le fonds garantit les crédits bancaires des petites entreprises."}


def test_a_volunteer_of_another_country_translates_and_itc_publishes(practice, focal_b, country_b, moderator):
    translation = services.start_translation(practice, by=focal_b, language="fr")
    assert translation.volunteer_country == country_b and translation.source_revision == practice.published_revision
    assert services.start_translation(practice, by=focal_b, language="fr") == translation  # a second click opens the same one
    services.save_translation(translation, by=focal_b, text=FRENCH)
    services.submit_translation(translation, by=focal_b)
    services.publish_translation(translation, by=moderator)
    translation.refresh_from_db()
    assert translation.is_current and translation.is_published and not translation.is_outdated
    # French stemming on the French text: "garanties" and "crédits" find "garantie de crédit".
    found = Practice.objects.filter(translations__in=PracticeTranslation.objects.current().filter(search_vector=_french("garantie de crédit")))
    assert list(found) == [practice]
    actions = list(ReviewEvent.objects.filter(translation=translation).order_by("id").values_list("action", flat=True))
    assert actions == ["translation_started", "translation_saved", "translation_submitted", "translation_published"]


def _french(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="websearch", config="sme_french")


def test_the_original_language_and_strangers_are_refused(practice, outsider, focal_b):
    with pytest.raises(ValidationError):
        services.start_translation(practice, by=focal_b, language="en")
    with pytest.raises(PermissionDenied):
        services.start_translation(practice, by=outsider, language="fr")
    translation = services.start_translation(practice, by=focal_b, language="es")
    with pytest.raises(PermissionDenied):
        services.save_translation(translation, by=outsider, text={"title": "x"})


def test_a_new_version_of_the_original_outdates_the_translation_and_the_next_starts_from_it(practice, contributor_a, focal_b, moderator):
    translation = services.start_translation(practice, by=focal_b, language="fr")
    services.save_translation(translation, by=focal_b, text=FRENCH)
    services.submit_translation(translation, by=focal_b)
    services.publish_translation(translation, by=moderator)
    revision = services.start_revision(practice, by=contributor_a)
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    translation.refresh_from_db()
    assert translation.is_current and translation.is_outdated
    following = services.start_translation(practice, by=contributor_a, language="fr")
    assert following.number == 2 and following.title == FRENCH["title"] and following.volunteer_country is None
    assert following.source_revision == revision
