from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CountriesConfig(AppConfig):
    name = "countries"
    verbose_name = _("Countries and teams")

    def ready(self):
        # Imported here, where Django's app loading allows it: these modules import models.
        from . import pagecache
        from .permissions import ensure_moderators_group

        post_migrate.connect(ensure_moderators_group, sender=self)
        pagecache.connect_signals()
