from django.core.management.base import BaseCommand

from practices import dataset


class Command(BaseCommand):
    help = (
        "Write the whole open dataset (CSV data package, JSON, Excel) now and make it the one served. "
        "The task worker does it after public changes; run it after a restore, or to start."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site-url", help="The site's address in the files (default: SITE_URL).")

    def handle(self, *args, site_url=None, **options):
        manifest = dataset.generate(site_url=site_url)
        counts = manifest["counts"]
        sizes = ", ".join(f"{item['name']} {item['size'] / 1_000_000:.1f} MB" for item in manifest["files"].values())
        self.stdout.write(
            f"Open data {manifest['version']}: practices: {counts['practices']}, translations: {counts['translations']}, "
            f"in {manifest['seconds']} s ({sizes})."
        )
