from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CountriesConfig(AppConfig):
    name = "countries"
    verbose_name = _("Countries and teams")

    def ready(self):
        from allauth.account.signals import authentication_step_completed
        from django.contrib.auth.signals import user_logged_in

        from smeplatform.middleware import renew_session_on_reauthentication, start_session_clock

        from .permissions import ensure_moderators_group

        post_migrate.connect(ensure_moderators_group, sender=self)
        user_logged_in.connect(start_session_clock, dispatch_uid="sme_start_session_clock")
        authentication_step_completed.connect(renew_session_on_reauthentication, dispatch_uid="sme_renew_session")
