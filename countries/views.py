import json
from functools import cache
from itertools import groupby
from pathlib import Path

from allauth.mfa.models import Authenticator

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meetings.models import UptakeStory
from practices.figures import PracticeCounts, moderation_figures
from practices.models import Practice, PracticeTranslation

from . import pagecache, services
from .access import is_country_code, is_moderator, may_manage, membership_of, staff_view, workspace_view
from .forms import AcceptInvitationForm, CountryProfileForm, InviteMemberForm, RoleForm, StaffInviteForm
from .models import AuditEvent, Country, Invitation, Membership, Region, User, localized_field


def _add_errors(form, error):
    """Put a service's ValidationError next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _invite_from_form(request, form, country):
    """Send the invitation a valid form describes; False, with the reason on the form, if refused."""
    try:
        services.invite_delegate(
            country=country, email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user, request=request
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


def _flash_error(request, error):
    for message in error.messages:
        messages.error(request, message)


# --- Public pages ---


def country_list(request):
    # Kept by the worker, per language, until anything public changes (like the page's content).
    regions = pagecache.memoized("country-list", _country_list_regions, get_language())
    return render(request, "countries/country_list.html", {"regions": regions})


def _country_list_regions():
    countries = Country.objects.with_regions().order_by("region__name_en", "subregion__name_en")
    regions = []
    for region, members in groupby(countries, key=lambda c: c.region):
        members = sorted(members, key=lambda c: c.name)
        regions.append(
            {
                "region": region,
                "countries": members,
                "participating": sum(1 for c in members if c.is_participating),
            }
        )
    regions.sort(key=lambda entry: entry["region"].name)
    return regions


COUNTRY_PRACTICES_PER_THEME = 6


def _practices_by_theme(country):
    """The country's published practices by theme: the newest few of each, and how many there are.

    One query however many practices the country has (a row number per theme, in the database);
    the browse page, filtered by country and theme, lists them all. With what the page needs to give
    titles and summaries in the reader's language (its template reads them: practices_in_reader_language).
    """
    ThemeLink = Practice.themes.through
    listed = Practice.countries.through.objects.filter(country=country, practice=OuterRef("practice"))
    links = (
        ThemeLink.objects.filter(Exists(listed), **Practice.objects.public_lookup("practice"))
        .annotate(
            row=Window(RowNumber(), partition_by=F("theme"), order_by=[F("practice__published_at").desc(), F("practice").desc()]),
            total=Window(Count("*"), partition_by=F("theme")),
            **PracticeTranslation.objects.reading_annotations(get_language(), practice="practice"),
        )
        .filter(row__lte=COUNTRY_PRACTICES_PER_THEME)
        .select_related("practice", "theme")
    )
    themes = {}
    for link in links:
        entry = themes.setdefault(link.theme, {"theme": link.theme, "links": [], "total": link.total})
        entry["links"].append(link)
    return {
        "practice_count": PracticeCounts.current().per_country.get(country.pk, 0),
        "themes": sorted(themes.values(), key=lambda entry: (entry["theme"].position, entry["theme"].name)),
    }


def country_detail(request, iso2):
    if not is_country_code(iso2):
        raise Http404
    # Kept by the worker, per language, until anything public changes.
    context = pagecache.memoized("country-page", lambda: _country_context(iso2.upper()), iso2.upper(), get_language())
    return render(request, "countries/country_detail.html", context)


def _country_context(iso2):
    country = get_object_or_404(Country.objects.with_regions(), iso2=iso2)
    context = {"country": country, **_practices_by_theme(country)}
    # Meetings: what ITC confirmed of the country's participation and presentations, at public meetings.
    context["meetings_attended"] = country.participations.public().select_related("meeting").order_by("-meeting__starts_at")
    context["presentations_given"] = (
        country.presentations.public()
        .select_related("meeting")
        .prefetch_related(
            Prefetch("practices", queryset=Practice.objects.published().annotate(**PracticeTranslation.objects.reading_annotations(get_language())).order_by("title"))
        )
        .order_by("-meeting__starts_at", "pk")
    )
    # The Call to Action: the endorsements ITC confirmed and the published uptake stories.
    context["endorsements"] = country.endorsements.confirmed().select_related("call", "meeting").order_by("call__adopted_on")
    context["uptake_stories"] = UptakeStory.objects.published().filter(country=country).select_related("used_deliverable", "used_practice__owner")
    for key in ("meetings_attended", "presentations_given", "endorsements", "uptake_stories"):
        context[key] = list(context[key])
    return context


# --- Invitations (the link in the e-mail) ---


def invitation_accept(request, token):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "countries/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not invitation.is_usable:
        reason = "expired" if invitation.is_expired else invitation.status
        return render(request, "countries/invitation_invalid.html", {"reason": reason, "invitation": invitation}, status=410)

    user = request.user
    context = {"invitation": invitation, "country": invitation.country}
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            context["wrong_account"] = True
            return render(request, "countries/invitation_accept.html", context, status=403)
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user=user)
            except ValidationError as error:
                _flash_error(request, error)
                return redirect("countries:workspace_home")
            messages.success(request, _("Welcome to the team of %(country)s.") % {"country": invitation.country.name})
            return redirect("countries:workspace", iso2=invitation.country.iso2)
        return render(request, "countries/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        context["sign_in_first"] = True
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "countries/invitation_accept.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.accept_invitation(
                invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if form.cleaned_data["job_title"]:
                new_user.job_title = form.cleaned_data["job_title"]
                new_user.save(update_fields=["job_title"])
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Your account is ready. Welcome to the team of %(country)s.") % {"country": invitation.country.name}
            )
            return redirect("countries:workspace", iso2=invitation.country.iso2)
    context["form"] = form
    return render(request, "countries/invitation_accept.html", context)


# --- Country workspace ---


def workspace_home(request):
    """Where sign-in lands: staff on their dashboard, delegates in their country's workspace."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if is_moderator(request.user):
        return redirect("countries:staff_dashboard")
    membership = membership_of(request.user)
    if membership is not None:
        return redirect("countries:workspace", iso2=membership.country.iso2)
    return render(request, "countries/workspace_none.html")


@workspace_view()
def workspace(request, country, membership):
    team = country.memberships.select_related("user").order_by("role", "user__full_name", "user__email")
    context = {
        "country": country,
        "membership": membership,
        "can_manage": may_manage(request.user, membership),
        "team": team,
        "pending_invitations": country.invitations.pending().count(),
        "has_two_factor": Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists(),
    }
    return render(request, "countries/workspace.html", context)


@workspace_view(manage=True)
def profile_edit(request, country, membership):
    form = CountryProfileForm(request.POST or None, instance=Country.objects.get(pk=country.pk))
    if request.method == "POST" and form.is_valid():
        services.update_profile(country, data=form.cleaned_data, by=request.user)
        messages.success(request, _("The country profile has been saved."))
        return redirect("countries:workspace", iso2=country.iso2)
    return render(request, "countries/profile_edit.html", {"country": country, "membership": membership, "form": form})


@workspace_view()
def team(request, country, membership):
    can_manage = may_manage(request.user, membership)
    context = {
        "country": country,
        "membership": membership,
        "can_manage": can_manage,
        "members": country.memberships.select_related("user").order_by("role", "user__full_name", "user__email"),
        "role_choices": Membership.Role.choices,
    }
    if can_manage:
        context["invitations"] = (
            country.invitations.filter(status=Invitation.Status.PENDING).select_related("invited_by").order_by("-created_at")
        )
        context["invite_form"] = InviteMemberForm()
    return render(request, "countries/team.html", context)


@workspace_view(manage=True)
def invite_member(request, country, membership):
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _invite_from_form(request, form, country):
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
        return redirect("countries:team", iso2=country.iso2)
    return render(request, "countries/invite.html", {"country": country, "membership": membership, "form": form})


@workspace_view(manage=True)
@require_POST
def change_role(request, country, membership, member_id):
    member = get_object_or_404(country.memberships.select_related("user"), pk=member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("countries:team", iso2=country.iso2)
    role, role_before = form.cleaned_data["role"], member.role
    try:
        services.change_role(member, role=role, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        # Whole sentences per role: a role's name cannot be slotted into every language's grammar.
        if role == Membership.Role.FOCAL_POINT:
            now, already = _("%(name)s is now a focal point."), _("%(name)s is already a focal point.")
        else:
            now, already = _("%(name)s is now a contributor."), _("%(name)s is already a contributor.")
        if role == role_before:
            messages.info(request, already % {"name": member.user})
        else:
            messages.success(request, now % {"name": member.user})
    if member.user_id == request.user.pk and not may_manage(request.user, membership_of(request.user)):
        return redirect("countries:workspace", iso2=country.iso2)
    return redirect("countries:team", iso2=country.iso2)


@workspace_view(manage=True)
@require_POST
def remove_member(request, country, membership, member_id):
    member = get_object_or_404(country.memberships.select_related("user"), pk=member_id)
    try:
        services.remove_member(member, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect("countries:team", iso2=country.iso2)
    messages.success(request, _("%(name)s has been removed from the team.") % {"name": member.user})
    if member.user_id == request.user.pk:
        return redirect("countries:workspace_home")
    return redirect("countries:team", iso2=country.iso2)


@workspace_view(manage=True)
@require_POST
def hand_over(request, country, membership, member_id):
    member = get_object_or_404(country.memberships.select_related("user"), pk=member_id)
    if membership is None:
        # Staff change roles directly; handing over is the focal point's own act.
        messages.error(request, _("Only a focal point can hand the role over."))
        return redirect("countries:team", iso2=country.iso2)
    try:
        services.hand_over_focal_point(country, to=member, by=request.user)
    except ValidationError as error:
        _flash_error(request, error)
        return redirect("countries:team", iso2=country.iso2)
    messages.success(request, _("%(name)s is now the focal point. You are a contributor.") % {"name": member.user})
    return redirect("countries:workspace", iso2=country.iso2)


def _act_on_invitation(request, country, invitation_id, act, success_message):
    invitation = get_object_or_404(country.invitations, pk=invitation_id)
    try:
        act(invitation)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, success_message % {"email": invitation.email})
    return redirect("countries:team", iso2=country.iso2)


@workspace_view(manage=True)
@require_POST
def revoke_invitation(request, country, membership, invitation_id):
    return _act_on_invitation(
        request,
        country,
        invitation_id,
        lambda invitation: services.revoke_invitation(invitation, by=request.user),
        _("The invitation to %(email)s has been revoked."),
    )


@workspace_view(manage=True)
@require_POST
def resend_invitation(request, country, membership, invitation_id):
    return _act_on_invitation(
        request,
        country,
        invitation_id,
        lambda invitation: services.resend_invitation(invitation, by=request.user, request=request),
        _("A new invitation link has been sent to %(email)s."),
    )


@workspace_view(manage=True)
def history(request, country, membership):
    events = country.audit_events.select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "countries/history.html", {"country": country, "membership": membership, "page": page})


# --- ITC staff ---


@staff_view
def staff_dashboard(request):
    regions = (
        Region.objects.filter(level=Region.Level.REGION)
        .annotate(
            total=Count("region_countries"),
            participating=Count("region_countries", filter=Q(region_countries__account_opened_at__isnull=False)),
        )
        .annotate(without_account=F("total") - F("participating"))
        .order_by("name_en")
    )
    participating = (
        Country.objects.participating()
        .with_regions()
        .annotate(
            members=Count("memberships", distinct=True),
            focal_points=Count("memberships", filter=Q(memberships__role=Membership.Role.FOCAL_POINT), distinct=True),
        )
        .by_name()
    )
    open_invitations = (
        Invitation.objects.filter(status=Invitation.Status.PENDING)
        .select_related("country", "invited_by")
        .order_by("expires_at")[:50]
    )
    recent_events = AuditEvent.objects.select_related("actor", "country").filter(
        action__in=[choice for choice in AuditEvent.Action.values if choice != AuditEvent.Action.PROFILE_UPDATED]
    )[:20]
    context = {
        "moderation": moderation_figures(),
        "regions": regions,
        "participating": participating,
        "open_invitations": open_invitations,
        "recent_events": recent_events,
        "now": timezone.now(),
    }
    return render(request, "countries/staff_dashboard.html", context)


@staff_view
def staff_invite(request):
    initial = {}
    if request.GET.get("country"):
        initial["country"] = request.GET["country"].upper()
    form = StaffInviteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _invite_from_form(request, form, form.cleaned_data["country"]):
        messages.success(
            request,
            _("Invitation sent to %(email)s for %(country)s.")
            % {"email": form.cleaned_data["email"], "country": form.cleaned_data["country"].name},
        )
        return redirect("countries:staff_dashboard")
    return render(request, "countries/staff_invite.html", {"form": form})


# --- Regions and the world map (public) ---

WORLD_MAP = Path(__file__).resolve().parent / "data" / "world_map.json"
# The shades of the map: the fewest published practices each shade stands for.
MAP_SHADES = (1, 3, 6, 11)
# The radius of the dot marking a country too small to see (map units; the map is 2000 wide).
MAP_DOT_RADIUS = 7
REGION_PRACTICES_PER_PAGE = 20
# The country field that places a country in a region of each level.
COUNTRY_FIELD_OF_LEVEL = {
    Region.Level.REGION: "region",
    Region.Level.SUBREGION: "subregion",
    Region.Level.INTERMEDIATE: "intermediate_region",
}


@cache
def world_map():
    """The outlines drawn by `manage.py build_world_map`: read once per process."""
    with open(WORLD_MAP, encoding="utf-8") as handle:
        return json.load(handle)


def _places_below(country, region):
    """The regions of a country below `region`, from the widest."""
    levels = [level for level in (country.region, country.subregion, country.intermediate_region) if level]
    return levels[levels.index(region) + 1 :]


def _shade(country):
    if country.practice_count:
        return f"map-shade-{sum(1 for fewest in MAP_SHADES if country.practice_count >= fewest)}"
    return "map-shade-0" if country.is_participating else "map-shade-none"


def _map_legend():
    legend = [
        ("map-shade-none", _("No account yet")),
        ("map-shade-0", _("Participating, no practice published yet")),
    ]
    bounds = list(zip(MAP_SHADES, [fewest - 1 for fewest in MAP_SHADES[1:]] + [None]))
    for number, (fewest, most) in enumerate(bounds, start=1):
        if most is None:
            label = _("%(fewest)s or more published practices") % {"fewest": fewest}
        else:
            label = _("%(fewest)s to %(most)s published practices") % {"fewest": fewest, "most": most}
        legend.append((f"map-shade-{number}", label))
    return legend


def _map_layers(countries):
    """The shapes of the map in the order they are drawn, in layers (hidden: not a link).

    Countries without a link are hidden from screen readers (the table says the same);
    dots are drawn last so no outline covers them.
    """
    shapes = world_map()["countries"]
    layers = {key: [] for key in [(False, False), (False, True), (True, False), (True, True)]}
    for country in countries:
        shape = shapes.get(country.m49_code)
        if shape is None:
            continue
        linked = country.is_participating or country.practice_count > 0
        if linked:
            label = ngettext(
                "%(country)s: %(count)s published practice", "%(country)s: %(count)s published practices", country.practice_count
            ) % {"country": country.name, "count": country.practice_count}
        else:
            label = country.name
        item = {
            "url": reverse("countries:country_detail", args=[country.iso2]) if linked else "",
            "label": label,
            "shade": _shade(country),
            # An outline is drawn from the static SVG file of outlines (cached by browsers).
            "outline": f"m{country.m49_code}" if "d" in shape else "",
            "point": shape.get("point"),
        }
        layers["point" in shape, linked].append(item)
    return [{"hidden": not linked, "shapes": items} for (_dot, linked), items in layers.items()]


def _region_tree():
    """[{"region": ..., "children": [...]}] from the world regions down, by name, in one query."""
    children = {}
    for region in Region.objects.order_by(localized_field("name")):
        children.setdefault(region.parent_id, []).append(region)

    def branch(parent_id):
        return [{"region": region, "children": branch(region.pk)} for region in children.get(parent_id, [])]

    return branch(None)


def region_map(request):
    # The map and its 250 rows: rendered once per language and kept until anything public changes.
    body = pagecache.memoized("region-map", lambda: render_to_string("countries/_region_map_body.html", _region_map_context()), get_language())
    return render(request, "countries/region_map.html", {"body": body})


def _region_map_context():
    countries = list(Country.objects.with_regions().by_name())
    counts = PracticeCounts.current()
    for country in countries:
        country.practice_count = counts.per_country.get(country.pk, 0)
    countries_in = {}
    for country in countries:
        country.places = _places_below(country, country.region)
        countries_in.setdefault(country.region_id, []).append(country)
    regions = _region_tree()
    for branch in regions:
        branch["countries"] = countries_in.get(branch["region"].pk, [])
        branch["figures"] = counts.figures(branch["countries"], branch["region"])
    return {
        "world_map": world_map(),
        "dot_radius": MAP_DOT_RADIUS,
        "layers": _map_layers(countries),
        "legend": _map_legend(),
        "regions": regions,
    }


def region_detail(request, slug):
    # Kept by the worker, per language, until anything public changes (a region not found is never kept).
    context = dict(pagecache.memoized("region-page", lambda: _region_context(slug), slug, get_language()))
    paginator = Paginator(context.pop("practices"), REGION_PRACTICES_PER_PAGE)
    paginator.count = context["figures"]["practices"]  # the same practices, already counted
    context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "countries/region_detail.html", context)


def _region_context(slug):
    region = get_object_or_404(Region.objects.select_related("parent__parent"), slug=slug)
    field = COUNTRY_FIELD_OF_LEVEL[region.level]
    countries = list(Country.objects.with_regions().filter(**{field: region}).by_name())
    counts = PracticeCounts.current()
    for country in countries:
        country.places = _places_below(country, region)
    children = list(region.children.order_by(localized_field("name")))
    for child in children:
        members = [country for country in countries if child in (country.subregion, country.intermediate_region)]
        child.figures = counts.figures(members, child)
    listed_here = Practice.countries.through.objects.filter(practice=OuterRef("pk"), **{f"country__{field}": region})
    practices = (
        Practice.objects.published()
        .filter(Exists(listed_here))
        .select_related("owner")
        # Titles in the reader's language, read with each page (the template's in_reader_language).
        .annotate(**PracticeTranslation.objects.reading_annotations(get_language()))
        .order_by("-published_at", "-pk")
    )
    return {
        "region": region,
        "parents": [parent for parent in (region.parent and region.parent.parent, region.parent) if parent],
        "children": children,
        "countries": countries,
        "figures": counts.figures(countries, region),
        # Not read here: each page of it is read when that page is shown.
        "practices": practices,
    }
