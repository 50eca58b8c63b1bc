"""Meetings and the Call to Action: public pages, the country's declarations, ITC staff pages."""

from django.shortcuts import render  # noqa: F401


# --- Meetings ---


# --- The Call to Action ---
