"""Settings of a benchmark run: the production settings, plus the bench app and the floor view.

gunicorn runs with DJANGO_SETTINGS_MODULE=bench.settings, so every page goes through the same
middleware as in production; only `/bench/floor` is added (the minimal view, P).
"""

from smeplatform.settings import *  # noqa: F403
from smeplatform.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
