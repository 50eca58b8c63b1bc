"""The database cache tables of settings.CACHES, so that `migrate` alone gives a working site.

Every page reads the cache (the content generation, sign-in limits): without its table each one
answered 500 until someone ran `createcachetable`. A table that exists already is kept as it is.
A cache alias added later gets its table from `createcachetable` or a migration of its own.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("countries", "0003_user_language_and_review_emails"),
    ]

    # Going back leaves the tables: the code of every earlier migration reads them too.
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
