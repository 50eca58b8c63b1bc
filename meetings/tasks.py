"""E-mail about uptake stories in review, sent by the task worker after the transaction commits.

Mirrors practices/tasks.py and reuses its helpers:
- ITC moderators hear of each submission (or resubmission) of a story, unless they chose no
  e-mails about submissions. Stories are few, so those who chose a daily summary of practices
  hear of each story too.
- The country's team hears of every decision on its story, with the moderator's comment.

Each person gets the e-mail in the language they last used the site in. The tasks take ids,
not objects, and read the database afresh.
"""

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from countries.mail import send_emails
from countries.models import ReviewEmails, User
from practices.tasks import absolute, moderators

from .models import RecordEvent

Action = RecordEvent.Action
STORY_SUBMISSIONS = (Action.STORY_SUBMITTED, Action.STORY_RESUBMITTED)
STORY_DECISIONS = (Action.STORY_PUBLISHED, Action.STORY_CHANGES_REQUESTED, Action.STORY_REJECTED)


def notify_story_after_commit(event):
    """Queue the e-mails a story's event calls for, once (and only if) its transaction commits."""
    if event.action in STORY_SUBMISSIONS:
        transaction.on_commit(lambda: notify_moderators_of_story.enqueue(event.pk))
    elif event.action in STORY_DECISIONS:
        transaction.on_commit(lambda: notify_team_of_story_decision.enqueue(event.pk))


@task()
def notify_moderators_of_story(event_id):
    event = RecordEvent.objects.select_related("story__country").get(pk=event_id)
    story = event.story
    recipients = moderators().exclude(review_emails=ReviewEmails.NONE).exclude(pk=event.actor_id)
    resubmitted = event.action == Action.STORY_RESUBMITTED

    def subject():
        if resubmitted:
            return _("Uptake story resubmitted for review: %(title)s") % {"title": story.title}
        return _("New uptake story to review: %(title)s") % {"title": story.title}

    messages = []
    for user in recipients:
        with translation.override(user.language):
            context = {
                "title": story.title,
                "country": story.country.name,
                "resubmitted": resubmitted,
                "link": absolute(reverse("meetings:cta_story_review", kwargs={"pk": story.pk})),
                "settings_link": absolute(reverse("practices:notification_settings")),
            }
        messages.append((user, subject, "meetings/email/story_submitted.txt", context))
    return send_emails(messages)


@task()
def notify_team_of_story_decision(event_id):
    event = RecordEvent.objects.select_related("story__country").get(pk=event_id)
    story = event.story
    subjects = {
        Action.STORY_PUBLISHED: lambda: _("Uptake story published: %(title)s") % {"title": story.title},
        Action.STORY_CHANGES_REQUESTED: lambda: _("Changes requested to the uptake story: %(title)s") % {"title": story.title},
        Action.STORY_REJECTED: lambda: _("Uptake story not accepted: %(title)s") % {"title": story.title},
    }
    messages = []
    for user in User.objects.filter(is_active=True, membership__country=story.country_id):
        with translation.override(user.language):
            context = {
                "action": event.action,
                "title": story.title,
                "note": event.note,
                "link": absolute(reverse("meetings:cta_story_workspace", kwargs={"iso2": story.country.iso2, "pk": story.pk})),
                "public_link": absolute(reverse("meetings:cta_story", kwargs={"pk": story.pk})),
            }
        messages.append((user, subjects[event.action], "meetings/email/story_decision.txt", context))
    return send_emails(messages)
