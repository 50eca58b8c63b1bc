"""E-mail to the platform's users, each in the language they last used the site in.

The apps' tasks (practices, meetings) all send through here; it needs only Django's mail and
templates, so it sits in the lowest layer.
"""

from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation

SUBJECT_PREFIX = "[SME Platform] "


def send_emails(messages):
    """messages: (user, subject, template, context) tuples; each rendered in its reader's language.

    `subject` is a callable, so that it is translated inside the reader's language. Returns how many were sent.
    """
    datatuple = []
    for user, subject, template, context in messages:
        with translation.override(user.language):
            datatuple.append(
                # A subject is one line: a title typed with a line break would make the whole batch fail to send.
                (SUBJECT_PREFIX + " ".join(str(subject()).split()), render_to_string(template, {**context, "user": user}), None, [user.email])
            )
    return send_mass_mail(datatuple)
