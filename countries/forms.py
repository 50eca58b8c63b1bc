import re

from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .languages import active_language
from .models import Country, Membership, User


class InviteMemberForm(forms.Form):
    """A focal point invites a colleague."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.CONTRIBUTOR,
        widget=forms.RadioSelect,
        help_text=_("Focal points manage the country page and the team; contributors draft and submit practices."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off")


class StaffInviteForm(InviteMemberForm):
    """ITC staff invite a country's focal point (usually its first one)."""

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        empty_label=_("Choose a country"),
        to_field_name="iso2",
    )
    field_order = ["country", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.by_name()
        self.fields["role"].initial = Membership.Role.FOCAL_POINT


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ContextWordsPasswordValidator:
    """Refuses a password made mostly of this site's own names, the first words a guesser tries.

    A password validator (AUTH_PASSWORD_VALIDATORS): once these words, spaces and punctuation are
    taken out, at least MIN_REMAINDER characters must be left. docs/security/asvs-accounts.md lists them.
    """

    WORDS = sorted(
        ["sme", "msme", "smes", "itc", "intracen", "international", "trade", "centre", "center",
         "platform", "policy", "ministerial", "password"],
        key=len,
        reverse=True,
    )
    MIN_REMAINDER = 8

    def validate(self, password, user=None):
        remainder = re.sub(r"[\W_]+", "", password.lower())
        for word in self.WORDS:
            remainder = remainder.replace(word, "")
        if len(remainder) < self.MIN_REMAINDER:
            raise forms.ValidationError(
                _("This password is made mostly of the names of the platform or of ITC."),
                code="password_context_words",
            )

    def get_help_text(self):
        return _("Your password cannot be made mostly of the names of the platform or of ITC.")


class AcceptInvitationForm(forms.Form):
    """Creates the account of an invited person who has none yet."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs.update(autocomplete="name")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CountryProfileForm(forms.ModelForm):
    class Meta:
        model = Country
        fields = list(Country.PROFILE_FIELDS)
        widgets = {"policy_overview": forms.Textarea(attrs={"rows": 8}), "profile_language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not given, the profile keeps its language.
        self.fields["profile_language"].required = False
        if not (self.instance.responsible_institution or self.instance.policy_overview):
            # A profile not written yet is taken to be written in the language its writer reads the site in.
            self.initial["profile_language"] = active_language()

    def clean_profile_language(self):
        return self.cleaned_data["profile_language"] or self.instance.profile_language


class SignInForm(LoginForm):
    """allauth's sign-in form, labelled like the rest of the platform."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")


class TwoFactorCodeForm(AuthenticateForm):
    """The code step of sign-in: phones show a number pad (codes and recovery codes are digits)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(inputmode="numeric", autocomplete="one-time-code")
