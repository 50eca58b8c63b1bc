from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from countries.access import is_moderator

# What staff without two-factor authentication may still open: enrolment and sign-out.
ENROLMENT_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "healthz",
}


class StaffTwoFactorMiddleware:
    """Sends ITC staff who have not enrolled an authenticator app to the enrolment page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request):
        if not settings.SME_REQUIRE_STAFF_TWO_FACTOR:
            return False
        user = request.user
        if not user.is_authenticated or not (user.is_staff or is_moderator(user)):
            return False
        if request.path_info.startswith(settings.STATIC_URL):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.url_name in ENROLMENT_URL_NAMES:
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# The read-only JSON API is public (it sends Access-Control-Allow-Origin: *): other sites may load it.
PUBLIC_API_PREFIX = "/api/"


class CrossOriginResourcePolicyMiddleware:
    """Tells browsers that only this site may load our responses, except the public JSON API.

    Django sets no Cross-Origin-Resource-Policy header itself; without one, any site may embed
    a signed-in user's file downloads and pages as no-cors subresources.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = "cross-origin" if request.path_info.startswith(PUBLIC_API_PREFIX) else "same-origin"
        response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


class RememberLanguageMiddleware:
    """Keeps the language a signed-in user last read the site in, for the e-mails they are sent.

    One UPDATE when the language changes, none otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", None)
        if (
            user is not None
            and user.is_authenticated
            and language in LANGUAGE_CODES
            and user.language != language
            and _is_language_prefixed(request.path_info, language)
        ):
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return self.get_response(request)


LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _is_language_prefixed(path, language):
    # Only a page the user chose by its language prefix counts, not the admin or a file download.
    return path.startswith(f"/{language}/")
