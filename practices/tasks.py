"""E-mail about practices in review, sent by the task worker after the transaction commits.

- ITC moderators hear of each submission (or resubmission), or get one daily summary, or
  nothing: each chooses on their notification settings page.
- The country's team (the owner's and co-owners' members) hears of every decision on their
  practice, with the moderator's comment.
- Sharing a practice: the invited country's focal points hear of a proposal (and of its
  withdrawal, or of their removal as co-owner); the owner's focal points hear of the answer, and
  of a co-owner leaving. Whoever took the step is not told of it.
- Translations: moderators hear of each one submitted (as of practices, if they chose each submission);
  the translator hears of ITC's decision on their translation, and, when the
  original publishes a new version, that their published translation is outdated.

Each person gets the e-mail in the language they last used the site in. The tasks take ids,
not objects, and read the database afresh: a worker may run them minutes later.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from countries.mail import send_emails
from countries.models import MODERATORS_GROUP, Membership, ReviewEmails, User

from .models import PracticeRevision, PracticeTranslation, ReviewEvent

Action = ReviewEvent.Action
SUBMISSIONS = (Action.SUBMITTED, Action.RESUBMITTED)
DECISIONS = (Action.PUBLISHED, Action.CHANGES_REQUESTED, Action.REJECTED)
TRANSLATION_SUBMISSIONS = (Action.TRANSLATION_SUBMITTED, Action.TRANSLATION_RESUBMITTED)
TRANSLATION_DECISIONS = (Action.TRANSLATION_PUBLISHED, Action.TRANSLATION_CHANGES_REQUESTED, Action.TRANSLATION_REJECTED)
# Steps of sharing a practice, and whose focal points hear of each: the invited country's, the owner's, or both.
SHARING = {
    Action.CO_OWNER_PROPOSED: ("invited",),
    Action.CO_OWNER_WITHDRAWN: ("invited",),
    Action.CO_OWNER_REMOVED: ("invited",),
    Action.CO_OWNER_ACCEPTED: ("owner",),
    Action.CO_OWNER_DECLINED: ("owner",),
    Action.CO_OWNER_LEFT: ("owner",),
    Action.CO_OWNER_ADDED: ("owner", "invited"),
}


def notify_after_commit(event):
    """Queue the e-mails an event calls for, once (and only if) its transaction commits."""
    if event.action in SUBMISSIONS:
        transaction.on_commit(lambda: notify_moderators_of_submission.enqueue(event.pk))
    elif event.action in DECISIONS:
        transaction.on_commit(lambda: notify_team_of_decision.enqueue(event.pk))
    elif event.action in SHARING and event.co_ownership_id:
        transaction.on_commit(lambda: notify_focal_points_of_sharing.enqueue(event.pk))
    elif event.action in TRANSLATION_SUBMISSIONS and event.translation_id:
        transaction.on_commit(lambda: notify_moderators_of_translation.enqueue(event.pk))
    elif event.action in TRANSLATION_DECISIONS and event.translation_id:
        transaction.on_commit(lambda: notify_translator_of_decision.enqueue(event.pk))


def notify_translators_after_commit(practice, *, by):
    """Once a new version of `practice` is published (and committed): its translators hear that their translation is outdated."""
    transaction.on_commit(lambda: notify_translators_of_new_version.enqueue(practice.pk, by.pk))


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def moderators():
    return User.objects.filter(is_active=True, groups__name=MODERATORS_GROUP).distinct()


@task()
def notify_moderators_of_submission(event_id):
    event = ReviewEvent.objects.select_related("practice__owner", "revision", "actor").get(pk=event_id)
    recipients = moderators().filter(review_emails=ReviewEmails.EACH).exclude(pk=event.actor_id)
    practice, revision = event.practice, event.revision

    def context(user):
        with translation.override(user.language):
            return {
                "event": event,
                "title": revision.title,
                "country": practice.owner.name,
                "resubmitted": event.action == Action.RESUBMITTED,
                "link": absolute(reverse("practices:review", kwargs={"pk": revision.pk})),
                "settings_link": absolute(reverse("practices:notification_settings")),
            }

    def subject():
        if event.action == Action.RESUBMITTED:
            return _("Resubmitted for review: %(title)s") % {"title": revision.title}
        return _("New practice to review: %(title)s") % {"title": revision.title}

    return send_emails((user, subject, "practices/email/submitted.txt", context(user)) for user in recipients)


@task()
def notify_moderators_of_translation(event_id):
    """The moderators who want an e-mail for each submission hear of a translation sent for review."""
    event = ReviewEvent.objects.select_related("practice__owner", "translation", "actor").get(pk=event_id)
    recipients = moderators().filter(review_emails=ReviewEmails.EACH).exclude(pk=event.actor_id)
    translated = event.translation
    title = translated.title or event.practice.title

    def context(user):
        with translation.override(user.language):
            return {
                "title": title,
                "language": translated.get_language_display(),
                "country": event.practice.owner.name,
                "translator": str(event.actor) if event.actor else "",
                "resubmitted": event.action == Action.TRANSLATION_RESUBMITTED,
                "link": absolute(reverse("practices:translation_review", kwargs={"pk": translated.pk})),
                "settings_link": absolute(reverse("practices:notification_settings")),
            }

    def subject():  # called in each moderator's language
        return _("Translation to review (%(language)s): %(title)s") % {"language": translated.get_language_display(), "title": title}

    return send_emails((user, subject, "practices/translations/email/submitted.txt", context(user)) for user in recipients)


def team_of(practice):
    """The active members of the owner's and co-owners' teams."""
    countries = [practice.owner_id, *practice.co_owners.values_list("pk", flat=True)]
    return User.objects.filter(is_active=True, membership__country__in=countries)


@task()
def notify_team_of_decision(event_id):
    event = ReviewEvent.objects.select_related("practice__owner", "revision").get(pk=event_id)
    practice, revision = event.practice, event.revision
    subjects = {
        Action.PUBLISHED: lambda: _("Published: %(title)s") % {"title": revision.title},
        Action.CHANGES_REQUESTED: lambda: _("Changes requested: %(title)s") % {"title": revision.title},
        Action.REJECTED: lambda: _("Not accepted: %(title)s") % {"title": revision.title},
    }
    messages = []
    for user in team_of(practice).select_related("membership__country"):
        country = user.membership.country
        with translation.override(user.language):
            link = reverse("practices:workspace_detail", kwargs={"iso2": country.iso2, "pk": practice.pk})
            context = {
                "event": event,
                "action": event.action,
                "title": revision.title,
                "note": event.note,
                "link": absolute(link),
                "public_link": absolute(reverse("practices:practice_detail", kwargs={"pk": practice.pk})),
            }
        messages.append((user, subjects[event.action], "practices/email/decision.txt", context))
    return send_emails(messages)


@task()
def notify_focal_points_of_sharing(event_id):
    event = ReviewEvent.objects.select_related("practice__owner", "co_ownership__country", "actor").get(pk=event_id)
    practice, sharing = event.practice, event.co_ownership
    sides = {"owner": practice.owner, "invited": sharing.country}
    countries = [sides[side] for side in SHARING[event.action]]
    recipients = (
        User.objects.filter(
            is_active=True, membership__country__in=countries, membership__role=Membership.Role.FOCAL_POINT
        )
        .exclude(pk=event.actor_id)
        .select_related("membership__country")
    )
    sharing_now = set(practice.co_owners.values_list("pk", flat=True)) | {practice.owner_id}
    subjects = {
        Action.CO_OWNER_PROPOSED: lambda: _("%(owner)s proposes to share a practice with you: %(title)s"),
        Action.CO_OWNER_WITHDRAWN: lambda: _("Proposal withdrawn: %(title)s"),
        Action.CO_OWNER_REMOVED: lambda: _("%(owner)s no longer shares a practice with you: %(title)s"),
        Action.CO_OWNER_ACCEPTED: lambda: _("%(country)s now shares your practice: %(title)s"),
        Action.CO_OWNER_DECLINED: lambda: _("%(country)s declined to share your practice: %(title)s"),
        Action.CO_OWNER_LEFT: lambda: _("%(country)s no longer shares your practice: %(title)s"),
        Action.CO_OWNER_ADDED: lambda: _("Shared by %(owner)s and %(country)s: %(title)s"),
    }
    messages = []
    for user in recipients:
        country = user.membership.country
        with translation.override(user.language):
            names = {"owner": practice.owner.name, "country": sharing.country.name, "title": practice.title}
            # The practice in their workspace when their country shares it now; otherwise their list of practices
            # (where a proposal waits for its answer).
            if country.pk in sharing_now:
                link = reverse("practices:workspace_detail", kwargs={"iso2": country.iso2, "pk": practice.pk})
            else:
                link = reverse("practices:workspace_list", kwargs={"iso2": country.iso2})
            context = {
                "action": event.action,
                "actor": str(event.actor or _("ITC")),
                "link": absolute(link),
                **names,
            }
        messages.append((user, lambda names=names: subjects[event.action]() % names, "practices/email/sharing.txt", context))
    return send_emails(messages)


def translation_link(translated, translator):
    """The translation's page in the translator's workspace (the owner's, for ITC staff, who have no country)."""
    membership = getattr(translator, "membership", None)
    iso2 = membership.country.iso2 if membership is not None else translated.practice.owner.iso2
    return absolute(reverse("practices:translation_edit", kwargs={"iso2": iso2, "pk": translated.pk}))


@task()
def notify_translator_of_decision(event_id):
    event = ReviewEvent.objects.select_related("practice__owner", "translation__translated_by__membership__country").get(pk=event_id)
    translated, translator = event.translation, event.translation.translated_by
    if translator is None or not translator.is_active or translator.pk == event.actor_id:
        return 0
    title = translated.title or event.practice.title
    subjects = {
        Action.TRANSLATION_PUBLISHED: lambda: _("Translation published: %(title)s") % {"title": title},
        Action.TRANSLATION_CHANGES_REQUESTED: lambda: _("Changes requested in your translation: %(title)s") % {"title": title},
        Action.TRANSLATION_REJECTED: lambda: _("Translation not accepted: %(title)s") % {"title": title},
    }
    with translation.override(translator.language):
        context = {
            "action": event.action,
            "title": title,
            "language": translated.get_language_display(),
            "note": event.note,
            "link": translation_link(translated, translator),
            "public_link": absolute(reverse("practices:practice_detail", kwargs={"pk": event.practice_id})),
        }
    return send_emails([(translator, subjects[event.action], "practices/translations/email/decision.txt", context)])


@task()
def notify_translators_of_new_version(practice_id, actor_id=None):
    """The translators of the practice's current translations: the original changed since they translated it."""
    outdated = (
        PracticeTranslation.objects.current()
        .filter(practice_id=practice_id, translated_by__is_active=True)
        .exclude(source_revision=F("practice__published_revision"))
        .exclude(translated_by_id=actor_id)
        .select_related("practice__owner", "translated_by__membership__country")
    )
    messages = []
    for translated in outdated:
        translator, title = translated.translated_by, translated.practice.title
        with translation.override(translator.language):
            context = {"title": title, "language": translated.get_language_display(), "link": translation_link(translated, translator)}

        def subject(title=title):  # called in the translator's language
            return _("The original changed: %(title)s") % {"title": title}

        messages.append((translator, subject, "practices/translations/email/outdated.txt", context))
    return send_emails(messages)


@task()
def send_review_digests():
    """One summary per moderator who chose it: what was submitted since their last summary.

    Run once a day (cron: manage.py send_review_digests). A moderator who got a summary less
    than 20 hours ago is skipped, so running it twice sends nothing twice.
    """
    now = timezone.now()
    sent = 0
    waiting = PracticeRevision.objects.filter(status__in=PracticeRevision.IN_REVIEW_STATUSES).count()
    for user in moderators().filter(review_emails=ReviewEmails.DAILY):
        since = user.last_review_digest_at or now - timedelta(days=1)
        if user.last_review_digest_at and now - user.last_review_digest_at < timedelta(hours=20):
            continue
        events = list(
            ReviewEvent.objects.filter(action__in=SUBMISSIONS, created_at__gt=since, created_at__lte=now)
            .filter(Q(revision__status__in=PracticeRevision.IN_REVIEW_STATUSES))
            .select_related("practice__owner", "revision")
            .order_by("created_at")
        )
        # Mark first: a crash after sending must not send the same summary again tomorrow. Only if
        # the mark is still the one read: two runs at once (cron on two machines) send one summary.
        claimed = User.objects.filter(pk=user.pk, last_review_digest_at=user.last_review_digest_at).update(
            last_review_digest_at=now
        )
        if not claimed or not events:
            continue
        with translation.override(user.language):
            context = {
                "items": [
                    {
                        "title": event.revision.title,
                        "country": event.practice.owner.name,
                        "resubmitted": event.action == Action.RESUBMITTED,
                        "link": absolute(reverse("practices:review", kwargs={"pk": event.revision_id})),
                    }
                    for event in events
                ],
                "waiting": waiting,
                "queue_link": absolute(reverse("practices:review_queue")),
                "settings_link": absolute(reverse("practices:notification_settings")),
            }
        count = len(events)
        sent += send_emails(
            [
                (
                    user,
                    lambda count=count: translation.ngettext(
                        "%(count)s practice submitted for review", "%(count)s practices submitted for review", count
                    )
                    % {"count": count},
                    "practices/email/digest.txt",
                    context,
                )
            ]
        )
    return sent
