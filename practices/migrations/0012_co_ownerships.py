# Sharing a practice with another country becomes a proposal that country answers.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def record_existing_co_owners(apps, schema_editor):
    """The co-owners of today stay co-owners: each becomes an accepted sharing.

    Who shared it and when come from the practice's history ("co-owner country added", whose note
    names the country in English); the answer is left unnamed, since nobody was asked.
    """
    Practice = apps.get_model("practices", "Practice")
    ReviewEvent = apps.get_model("practices", "ReviewEvent")
    CoOwnership = apps.get_model("practices", "CoOwnership")
    sharings = []
    for link in Practice.co_owners.through.objects.select_related("practice", "country").order_by("pk").iterator():
        added = (
            ReviewEvent.objects.filter(practice_id=link.practice_id, action="co_owner_added", note=link.country.name_en)
            .order_by("-created_at", "-pk")
            .first()
        )
        when = added.created_at if added else link.practice.created_at
        sharings.append(
            CoOwnership(
                practice_id=link.practice_id,
                country_id=link.country_id,
                status="accepted",
                proposed_by_id=added.actor_id if added else None,
                proposed_at=when,
                decided_at=when,
            )
        )
    CoOwnership.objects.bulk_create(sharings, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("countries", "0003_user_language_and_review_emails"),
        ("practices", "0011_revision_saves"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("saved", "Saved"),
                    ("submitted", "Submitted for review"),
                    ("resubmitted", "Resubmitted"),
                    ("changes_requested", "Changes requested"),
                    ("published", "Published"),
                    ("rejected", "Rejected"),
                    ("discarded", "Discarded"),
                    ("draft_restored", "Discarded draft restored"),
                    ("archived", "Archived"),
                    ("restored", "Restored"),
                    ("evidence_labelled", "Evidence label set"),
                    ("attachment_added", "Document added"),
                    ("attachment_removed", "Document removed"),
                    ("co_owner_added", "Co-owner country added"),
                    ("co_owner_removed", "Co-owner country removed"),
                    ("co_owner_proposed", "Sharing proposed to a country"),
                    ("co_owner_withdrawn", "Sharing proposal withdrawn"),
                    ("co_owner_accepted", "Sharing accepted"),
                    ("co_owner_declined", "Sharing declined"),
                    ("co_owner_left", "Co-owner country left"),
                    ("claimed", "Review taken on"),
                    ("tags_corrected", "Tags corrected by ITC"),
                ],
                max_length=30,
                verbose_name="what",
            ),
        ),
        migrations.CreateModel(
            name="CoOwnership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Waiting for an answer"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("withdrawn", "Withdrawn"),
                            ("left", "Left by the co-owner"),
                            ("removed", "Removed by the owner"),
                        ],
                        default="proposed",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("proposed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="proposed")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended")),
                (
                    "country",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="co_ownerships", to="countries.country", verbose_name="country"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL, verbose_name="answered by",
                    ),
                ),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL, verbose_name="ended by",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="co_ownerships", to="practices.practice", verbose_name="practice"
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL, verbose_name="proposed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "co-ownership",
                "verbose_name_plural": "co-ownerships",
                "ordering": ["-proposed_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="reviewevent",
            name="co_ownership",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="events",
                to="practices.coownership", verbose_name="sharing",
            ),
        ),
        migrations.AddConstraint(
            model_name="coownership",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["proposed", "accepted", "declined", "withdrawn", "left", "removed"])),
                name="co_ownership_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="coownership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["proposed", "accepted"])),
                fields=("practice", "country"),
                name="co_ownership_one_open_per_practice_country",
            ),
        ),
        migrations.RunPython(record_existing_co_owners, migrations.RunPython.noop),
    ]
