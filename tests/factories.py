"""The records tests build most: practices, uptake stories, meetings.

Each factory creates its record through the app's services, as a user would, so the record has
its audit rows and every rule of the workflow applies; a factory never sets a status by hand.
The people stay the cast in tests/conftest.py: pass them in (`by=contributor_a`).

    practice = PracticeFactory(owner=country_a, by=contributor_a, title="Credit guarantee")
    practice = publish_practice(country_a, by=contributor_a, moderator=moderator, title="Credit guarantee")
"""

from datetime import timedelta

import factory
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting, UptakeStory
from practices import services as practice_services
from practices.models import Practice


class PracticeFactory(factory.django.DjangoModelFactory):
    """A practice of `owner`, written by `by`, with its first version as a draft.

    Every other keyword is content of that version (title, summary, themes, instruments, ...);
    `co_owners` are countries ITC adds as co-owners (then `by` must be a moderator).
    """

    class Meta:
        model = Practice

    title = factory.Sequence(lambda number: f"Credit guarantee scheme {number}")
    summary = factory.LazyAttribute(lambda content: f"Summary of {content.title}.")
    description = "What was done, by whom, for whom and since when."
    level = "national"
    themes = factory.LazyFunction(lambda: ["business-environment"])

    @classmethod
    def _create(cls, model_class, *, owner, by, co_owners=(), **content):
        practice, _revision = practice_services.create_practice(owner, by=by, content=content)
        for country in co_owners:
            practice_services.add_co_owner(practice, by=by, country=country)
        return practice


class PublishedPracticeFactory(PracticeFactory):
    """A practice written by `by`, submitted by them and published by `moderator`."""

    @classmethod
    def _create(cls, model_class, *, moderator, evidence_label=None, **declarations):
        practice = super()._create(model_class, **declarations)
        revision = practice.revisions.get()
        practice_services.submit_revision(revision, by=declarations["by"])
        practice_services.publish_revision(revision, by=moderator, evidence_label=evidence_label)
        practice.refresh_from_db()
        return practice


def publish_practice(country, *, by, moderator, **content):
    """A published practice of `country`: written and submitted by `by`, published by `moderator`."""
    return PublishedPracticeFactory(owner=country, by=by, moderator=moderator, **content)


class UptakeStoryFactory(factory.django.DjangoModelFactory):
    """A draft uptake story of `country`, written by `by`; pass what it used (`used_deliverable=`)."""

    class Meta:
        model = UptakeStory

    title = "Ministry of Environment used the NDC guideline"
    story = "It prepared its own **NDC** guidelines."

    @classmethod
    def _create(cls, model_class, *, country, by, **content):
        return meeting_services.create_uptake_story(country, by=by, content=content)


def _in_a_month():
    return (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting created by the moderator `by`; `published=True` makes it public too."""

    class Meta:
        model = Meeting

    title = "Technical meeting on SME finance"
    kind = Meeting.Kind.TECHNICAL
    format = Meeting.Format.HYBRID
    starts_at = factory.LazyFunction(_in_a_month)
    ends_at = factory.LazyAttribute(lambda data: data.starts_at + timedelta(hours=8))
    time_zone = "Africa/Nairobi"
    place = "Nairobi, KICC"
    description = "Officials compare **credit guarantee** schemes."

    @classmethod
    def _create(cls, model_class, *, by, published=False, **data):
        meeting = meeting_services.create_meeting(by=by, data=data)
        if published:
            meeting = meeting_services.publish_meeting(meeting, by=by)
        return meeting
