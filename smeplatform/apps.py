from allauth.account.signals import authentication_step_completed
from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class SmeplatformConfig(AppConfig):
    """The layer that wires the apps together: what reacts across them is connected here."""

    name = "smeplatform"
    verbose_name = "SME Policy Platform"

    def ready(self):
        # Imported here, where Django's app loading allows it: these modules import models.
        from countries import pagecache
        from practices.dataset import regenerate_after_a_public_change

        from .middleware import renew_session_on_reauthentication, start_session_clock
        from .warm import warm_after_a_public_change

        user_logged_in.connect(start_session_clock, dispatch_uid="sme_start_session_clock")
        authentication_step_completed.connect(renew_session_on_reauthentication, dispatch_uid="sme_renew_session")
        pagecache.content_changed.connect(warm_after_a_public_change, dispatch_uid="sme_warm_public_memos")
        # The whole open dataset, written again by the task worker a few minutes later (practices.dataset).
        pagecache.content_changed.connect(regenerate_after_a_public_change, dispatch_uid="sme_regenerate_open_data")
