"""Who may see and change what. Every view that touches a country's data goes through here.

The rule, written once:
- anonymous visitors are sent to sign in;
- a member of another country gets 404: the workspace does not exist for them;
- a member whose role is too low gets 403;
- ITC moderators (and superusers) act on every country.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import MODERATORS_GROUP, Country, Membership


def is_moderator(user):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: asked several times per request (navigation, views).
    if not hasattr(user, "_sme_is_moderator"):
        user._sme_is_moderator = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._sme_is_moderator


def membership_of(user):
    """The user's country membership, or None. Read fresh each request, so removal takes effect at once."""
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("country").get(user=user)
    except Membership.DoesNotExist:
        return None


def is_country_code(value):
    """Two ASCII letters. No other text names a country, and some (a NUL) the database cannot even compare."""
    return len(value) == 2 and value.isascii() and value.isalpha()


def access_country(user, iso2, *, manage=False):
    """The country whose workspace `user` may open, and their membership (None for staff).

    manage=True asks for the focal-point level: team and profile management.
    """
    if not is_country_code(iso2):
        raise Http404
    if is_moderator(user):
        try:
            return Country.objects.get(iso2=iso2.upper()), None
        except Country.DoesNotExist:
            raise Http404 from None
    membership = membership_of(user)
    if membership is None or membership.country.iso2 != iso2.upper():
        raise Http404
    if manage and not membership.is_focal_point:
        raise PermissionDenied
    return membership.country, membership


def workspace_view(*, manage=False):
    """Decorate a view taking (request, country, membership, ...) from a URL's `iso2`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, iso2, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            country, membership = access_country(request.user, iso2, manage=manage)
            return view(request, country, membership, *args, **kwargs)

        return wrapper

    return decorator


def staff_view(view):
    """Decorate a view only ITC moderators may open."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def may_manage(user, membership):
    """Whether the person in front of a workspace manages its team and profile."""
    return is_moderator(user) or (membership is not None and membership.is_focal_point)


def require(allowed):
    """Refuse (403) unless the rule asked allows it: `require(may_moderate(by))`."""
    if not allowed:
        raise PermissionDenied


def may_see_contacts(user):
    """The contact person of a published practice: shown to the community (delegates and ITC), never to the public."""
    return user.is_authenticated and (is_moderator(user) or membership_of(user) is not None)


def may_moderate(user):
    """ITC's own work: review and publish, meetings and their records, imports, confirmations."""
    return is_moderator(user)


def is_member_of(user, country_id):
    """Whether `user` belongs to this country's team, in any role. Read fresh, like membership_of."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, country_id=country_id).exists()


def may_act_for_country(user, country_id):
    """Work in a country's name as one of its team: write its practices and stories. Any member, and ITC."""
    return is_moderator(user) or is_member_of(user, country_id)


# --- Who answers for a practice ---
# Written in terms of country ids (a practice's owner_id, a co-ownership's country_id): this module
# knows countries, not practices, which build on it. Views, services and templates all ask these.


def is_focal_point_of(user, country_id):
    """Whether `user` is a focal point of this country. Read fresh, like membership_of."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, country_id=country_id, role=Membership.Role.FOCAL_POINT).exists()


def may_speak_for_country(user, country_id):
    """Commit a country: manage its team (invite, change roles, remove) and profile, declare its participation
    or endorsement. Its focal points, and ITC."""
    return is_moderator(user) or is_focal_point_of(user, country_id)


def may_write_practice(user, practice):
    """Write, submit or discard a practice's versions, start a new one: ITC, and the team of the owner
    or of a country that accepted to co-own it (`co_owners` holds only accepted ones)."""
    if is_moderator(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    country_id = Membership.objects.filter(user=user).values_list("country_id", flat=True).first()
    if country_id is None:
        return False
    return country_id == practice.owner_id or practice.co_owners.filter(pk=country_id).exists()


def may_archive(user, practice):
    """Withdraw a practice from public view: the owner country's focal points and ITC, not co-owners."""
    return may_speak_for_country(user, practice.owner_id)


def may_restore(user, practice):
    """Make an archived practice public again: whoever may archive it."""
    return may_archive(user, practice)


def may_share(user, practice):
    """Ask a country to co-own a practice, withdraw the question, remove a co-owner: the owner's focal points and ITC."""
    return may_speak_for_country(user, practice.owner_id)


def may_answer_share(user, co_ownership):
    """Accept or decline a country's invitation to co-own a practice: that country's focal points and ITC."""
    return may_speak_for_country(user, co_ownership.country_id)


def may_leave(user, co_ownership):
    """Take a co-owner country off a practice it co-owns: that country's focal points and ITC."""
    return may_speak_for_country(user, co_ownership.country_id)


def may_translate(user, practice):
    """Start a translation of a published practice: ITC, its own team, or any delegate who volunteers."""
    if not practice.is_published:
        return False
    return is_moderator(user) or (user.is_authenticated and user.is_active and membership_of(user) is not None)


def may_write_translation(user, translation):
    """Write, submit or discard a translation: whoever started it, the practice's team, and ITC."""
    if not user.is_authenticated or not user.is_active:
        return False
    return translation.translated_by_id == user.pk or may_write_practice(user, translation.practice)


def may_ask_for_translation(user, practice):
    """Ask for a published practice in another working language (and withdraw the request): any signed-in reader."""
    return practice.is_published and user.is_authenticated and user.is_active
