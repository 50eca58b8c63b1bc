from django.contrib import admin  # noqa: F401

from . import models  # noqa: F401

# --- Meetings ---


# --- The Call to Action ---
