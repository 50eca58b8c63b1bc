"""E-mail about reviews: moderators hear of submissions, teams of decisions; sent after commit, by the worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from countries.models import AuditEvent, ReviewEmails
from practices import services
from practices.models import ReviewEvent
from tests.conftest import make_user

COMPLETE = {
    "title": "Credit guarantee for women-led firms",
    "summary": "A public guarantee covers half of each loan.",
    "description": "Banks lend against the guarantee.",
    "level": "national",
    "themes": ["access-to-finance"],
}


@pytest.fixture
def draft(country_a, contributor_a):
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=COMPLETE)
    return revision


@pytest.fixture
def daily_moderator(db, moderator):
    # A second ITC moderator, who chose one daily summary.
    user = make_user("digest@itc.example", full_name="Dana Digest", is_staff=True, review_emails=ReviewEmails.DAILY)
    user.groups.add(*moderator.groups.all())
    return user


def submit(revision, by, capture):
    with capture(execute=True):
        return services.submit_revision(revision, by=by)


def sent_to(address):
    return [message for message in mail.outbox if address in message.to]


# --- Moderators hear of submissions ---


def test_a_submission_emails_each_moderator_who_chose_each_email_after_commit(
    settings, draft, contributor_a, moderator, daily_moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.submit_revision(draft, by=contributor_a)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [moderator.email]
    assert message.subject == "[SME Platform] New practice to review: Credit guarantee for women-led firms"
    assert "Kenya has submitted" in message.body
    assert f"{settings.SITE_URL}/en/staff/reviews/{draft.pk}/" in message.body


def test_a_moderator_who_chose_no_emails_gets_none(draft, contributor_a, moderator, django_capture_on_commit_callbacks):
    moderator.review_emails = ReviewEmails.NONE
    moderator.save(update_fields=["review_emails"])
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_moderators_read_the_email_in_the_language_they_last_used(draft, contributor_a, moderator, django_capture_on_commit_callbacks):
    moderator.language = "es"
    moderator.save(update_fields=["language"])
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject.startswith("[SME Platform] Nueva práctica para revisar")
    assert f"/es/staff/reviews/{draft.pk}/" in message.body


def test_a_resubmission_says_so(draft, contributor_a, moderator, django_capture_on_commit_callbacks):
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    services.request_changes(draft, by=moderator, comment="Add the budget.")
    mail.outbox.clear()
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    [message] = sent_to(moderator.email)
    assert "Resubmitted for review" in message.subject
    assert "answered the requested changes" in message.body


def test_saving_a_draft_or_a_refused_submission_emails_nobody(country_a, contributor_a, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _practice, revision = services.create_practice(country_a, by=contributor_a, content={"title": "Half done"})
        services.save_revision(revision, by=contributor_a, changes={"title": "Still half done"})
        with pytest.raises(ValidationError):
            services.submit_revision(revision, by=contributor_a)
    assert mail.outbox == []


# --- Teams hear of decisions ---


@pytest.fixture
def submitted(draft, contributor_a, django_capture_on_commit_callbacks):
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    return draft


def decide(capture, decision, *args, **kwargs):
    with capture(execute=True):
        return decision(*args, **kwargs)


def test_changes_requested_emails_the_whole_team_with_the_comment(
    submitted, moderator, focal_a, contributor_a, contributor_b, django_capture_on_commit_callbacks
):
    decide(django_capture_on_commit_callbacks, services.request_changes, submitted, by=moderator, comment="Please add the 2024 figures.")
    assert sorted(address for message in mail.outbox for address in message.to) == sorted([focal_a.email, contributor_a.email])
    message = sent_to(contributor_a.email)[0]
    assert message.subject == "[SME Platform] Changes requested: Credit guarantee for women-led firms"
    assert "Please add the 2024 figures." in message.body
    assert f"/en/workspace/KE/practices/{submitted.practice.pk}/" in message.body
    assert not sent_to(contributor_b.email)


def test_a_rejection_gives_the_reason_and_a_publication_the_public_link(
    country_a, contributor_a, moderator, submitted, django_capture_on_commit_callbacks
):
    decide(django_capture_on_commit_callbacks, services.reject_revision, submitted, by=moderator, reason="Not an SME policy.")
    message = sent_to(contributor_a.email)[0]
    assert message.subject.startswith("[SME Platform] Not accepted")
    assert "The reason:" in message.body and "Not an SME policy." in message.body

    mail.outbox.clear()
    _practice, second = services.create_practice(country_a, by=contributor_a, content={**COMPLETE, "title": "Export desk"})
    submit(second, contributor_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    decide(django_capture_on_commit_callbacks, services.publish_revision, second, by=moderator)
    message = sent_to(contributor_a.email)[0]
    assert message.subject == "[SME Platform] Published: Export desk"
    assert f"/en/practices/{second.practice.pk}/" in message.body


def test_co_owner_teams_hear_of_decisions_in_their_own_workspace_language(
    submitted, moderator, contributor_a, focal_b, country_b, django_capture_on_commit_callbacks
):
    services.add_co_owner(submitted.practice, by=moderator, country=country_b)
    focal_b.language = "es"
    focal_b.save(update_fields=["language"])
    decide(django_capture_on_commit_callbacks, services.request_changes, submitted, by=moderator, comment="Añadan el presupuesto.")
    [message] = sent_to(focal_b.email)
    assert message.subject.startswith("[SME Platform] Cambios solicitados")
    assert f"/es/workspace/CO/practices/{submitted.practice.pk}/" in message.body


def test_inactive_members_get_nothing(submitted, moderator, contributor_a, focal_a, django_capture_on_commit_callbacks):
    contributor_a.is_active = False
    contributor_a.save(update_fields=["is_active"])
    decide(django_capture_on_commit_callbacks, services.request_changes, submitted, by=moderator, comment="More.")
    assert [message.to for message in mail.outbox] == [[focal_a.email]]


def test_a_refused_decision_emails_nobody(submitted, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.request_changes(submitted, by=moderator, comment="   ")
    assert mail.outbox == []


# --- The daily summary ---


def test_the_daily_summary_lists_new_submissions_once(
    draft, contributor_a, moderator, daily_moderator, django_capture_on_commit_callbacks
):
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    call_command("send_review_digests", stdout=open("/dev/null", "w"))
    [message] = mail.outbox
    assert message.to == [daily_moderator.email]
    assert message.subject == "[SME Platform] 1 practice submitted for review"
    assert "Credit guarantee for women-led firms (Kenya)" in message.body
    assert "1 version is waiting for review in all." in message.body

    call_command("send_review_digests", stdout=open("/dev/null", "w"))  # the same day again: nothing twice
    assert len(mail.outbox) == 1


def test_the_daily_summary_skips_what_was_decided_and_sends_nothing_when_nothing_is_new(
    draft, contributor_a, moderator, daily_moderator, django_capture_on_commit_callbacks
):
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    services.publish_revision(draft, by=moderator)
    mail.outbox.clear()
    call_command("send_review_digests", stdout=open("/dev/null", "w"))
    assert mail.outbox == []
    daily_moderator.refresh_from_db()
    assert daily_moderator.last_review_digest_at is not None


def test_the_next_daily_summary_starts_where_the_last_one_ended(
    country_a, draft, contributor_a, daily_moderator, django_capture_on_commit_callbacks
):
    submit(draft, contributor_a, django_capture_on_commit_callbacks)
    type(daily_moderator).objects.filter(pk=daily_moderator.pk).update(last_review_digest_at=timezone.now() - timedelta(hours=21))
    ReviewEvent.objects.filter(action="submitted").update(created_at=timezone.now() - timedelta(hours=22))
    mail.outbox.clear()
    call_command("send_review_digests", stdout=open("/dev/null", "w"))
    assert mail.outbox == []  # submitted before the last summary: already told


# --- The worker ---


# The worker opens and closes its own connections, as in production: no test transaction around it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_queue_holds_the_email_until_the_worker_runs_it(settings, draft, contributor_a, moderator):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.submit_revision(draft, by=contributor_a)  # commits
    assert mail.outbox == []
    # (The queue may hold other work, such as counting for the public pages: smeplatform.warm.)
    queued = DBTaskResult.objects.filter(status="READY", task_path__startswith="practices.tasks.")
    assert queued.count() == 1
    email_task = queued.get()

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=open("/dev/null", "w"))

    assert [message.to for message in mail.outbox] == [[moderator.email]]
    email_task.refresh_from_db()
    assert email_task.status == "SUCCESSFUL"


# --- Settings page and the remembered language ---


def test_a_moderator_chooses_a_daily_summary_and_the_change_is_audited(client, moderator):
    client.force_login(moderator)
    url = reverse("practices:notification_settings")
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="each"' in response.text and "checked" in response.text.split('value="each"')[1].split(">")[0]
    response = client.post(url, {"review_emails": "daily"})
    assert response.status_code == 302
    moderator.refresh_from_db()
    assert moderator.review_emails == "daily"
    event = AuditEvent.objects.get(action=AuditEvent.Action.NOTIFICATIONS_CHANGED)
    assert (event.actor, event.subject, event.details) == (moderator, moderator.email, {"from": "each", "to": "daily"})


def test_an_unknown_choice_is_refused_next_to_the_field_and_changes_nothing(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse("practices:notification_settings"), {"review_emails": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    moderator.refresh_from_db()
    assert moderator.review_emails == "each"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.NOTIFICATIONS_CHANGED).exists()


def test_the_site_remembers_the_language_a_user_reads_it_in(client, contributor_a):
    client.force_login(contributor_a)
    client.get("/es/workspace/")
    contributor_a.refresh_from_db()
    assert contributor_a.language == "es"
    client.get("/fr/")
    contributor_a.refresh_from_db()
    assert contributor_a.language == "fr"

