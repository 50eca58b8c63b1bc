from django import forms  # noqa: F401


# --- Meetings ---


# --- The Call to Action ---
