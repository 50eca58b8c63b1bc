"""The "ITC moderators" group and what it may do in the Django admin."""

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .models import MODERATORS_GROUP

# Moderators manage these through the admin; the product's own pages check
# membership of the group, not these permissions.
MODERATOR_MODEL_PERMISSIONS = {
    "countries": {
        "country": ["view", "change"],
        "region": ["view"],
        "membership": ["view", "change", "delete"],
        "invitation": ["view"],
        "auditevent": ["view"],
        # View only: changing users would let a moderator reset a superuser's password.
        "user": ["view"],
    },
    "practices": {
        "theme": ["view", "add", "change"],
        "instrumenttype": ["view", "add", "change"],
        "targetgroup": ["view", "add", "change"],
        "practice": ["view"],
        "practicerevision": ["view"],
        "reviewevent": ["view"],
    },
    # The Call to Action's text, mandates and deliverables (their progress changes on the staff pages).
    "meetings": {
        "calltoaction": ["view", "add", "change"],
        "mandate": ["view", "add", "change"],
        "deliverable": ["view", "add", "change"],
    },
}


def ensure_moderators_group(sender=None, **kwargs):
    if sender is not None:
        # Our receiver may run before auth's own for these apps: make the permissions first.
        for app_label in MODERATOR_MODEL_PERMISSIONS:
            create_permissions(django_apps.get_app_config(app_label), verbosity=0)

    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = []
    for app_label, models in MODERATOR_MODEL_PERMISSIONS.items():
        for model, actions in models.items():
            wanted += [f"{action}_{model}" for action in actions]
    permissions = Permission.objects.filter(content_type__app_label__in=MODERATOR_MODEL_PERMISSIONS, codename__in=wanted)
    group.permissions.set(permissions)
    return group
