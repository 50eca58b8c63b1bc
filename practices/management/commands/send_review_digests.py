from django.core.management.base import BaseCommand

from practices.tasks import send_review_digests


class Command(BaseCommand):
    help = "Queue the daily summary of submissions for the moderators who chose it. Run it once a day (cron)."

    def handle(self, *args, **options):
        result = send_review_digests.enqueue()
        self.stdout.write(f"Queued the review summaries (task {result.id}).")
